using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>Facts about libvirt's public API functions that show in error replies.</summary>
public static class PublicApi
{
    /// <summary>
    /// The error domain libvirt reports for a failure raised inside public API <paramref name="name"/>: each of
    /// libvirt's API source files reports under its own domain (host and domain APIs under DOMAIN).
    /// </summary>
    public static ErrorDomain ErrorDomainOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith("virDomainQemu", StringComparison.Ordinal) || name.StartsWith("virDomainLxc", StringComparison.Ordinal)
            || name.StartsWith("virConnectDomainQemu", StringComparison.Ordinal))
        {
            return ErrorDomain.None;
        }

        if (name.StartsWith("virDomainSnapshot", StringComparison.Ordinal) || name is "virDomainListAllSnapshots" or "virDomainHasCurrentSnapshot" or "virDomainRevertToSnapshot")
        {
            return ErrorDomain.DomainSnapshot;
        }

        if (name.StartsWith("virDomainCheckpoint", StringComparison.Ordinal) || name == "virDomainListAllCheckpoints")
        {
            return ErrorDomain.DomainCheckpoint;
        }

        if (name.StartsWith("virStream", StringComparison.Ordinal))
        {
            return ErrorDomain.Streams;
        }

        if (name.StartsWith("virDomain", StringComparison.Ordinal))
        {
            return ErrorDomain.Domain;
        }

        if (name.Contains("NodeDevice", StringComparison.Ordinal) || name is "virNodeNumOfDevices" or "virNodeListDevices")
        {
            return ErrorDomain.Nodedev;
        }

        if (name.Contains("NWFilter", StringComparison.Ordinal))
        {
            return ErrorDomain.Nwfilter;
        }

        if (name.Contains("Network", StringComparison.Ordinal))
        {
            return ErrorDomain.Network;
        }

        if (name.Contains("StoragePool", StringComparison.Ordinal) || name.StartsWith("virStorageVol", StringComparison.Ordinal))
        {
            return ErrorDomain.Storage;
        }

        if (name.Contains("Interface", StringComparison.Ordinal))
        {
            return ErrorDomain.Interface;
        }

        if (name.Contains("Secret", StringComparison.Ordinal))
        {
            return ErrorDomain.Secret;
        }

        return ErrorDomain.Domain;
    }

    /// <summary>
    /// The public API a procedure serves, derived from its name (<c>REMOTE_PROC_DOMAIN_GET_INFO</c> →
    /// <c>virDomainGetInfo</c>) where the procedure table carries none.
    /// </summary>
    public static string NameOf(ProcedureInfo procedure)
    {
        ArgumentNullException.ThrowIfNull(procedure);
        string name = procedure.Name;
        int proc = name.IndexOf("_PROC_", StringComparison.Ordinal);
        string stem = proc < 0 ? name : name[(proc + 6)..];
        var result = new System.Text.StringBuilder("vir");
        foreach (string word in stem.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            result.Append(word[0]).Append(word[1..].ToLowerInvariant());
        }

        return result.ToString();
    }
}
