using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>The public API name of procedures whose table entry carries none (error messages need one).</summary>
public static class PublicApi
{
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
