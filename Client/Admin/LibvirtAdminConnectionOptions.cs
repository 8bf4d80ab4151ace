namespace LibvirtRemote.Client.Admin;

/// <summary>How to open an admin connection.</summary>
public sealed class LibvirtAdminConnectionOptions
{
    /// <summary>Use the URI as written, ignoring <c>uri_aliases</c> in libvirt-admin.conf (VIR_CONNECT_NO_ALIASES).</summary>
    public bool NoAliases { get; set; }

    /// <summary>Longest a call waits for its reply; null (default) waits indefinitely, as libvirt does.</summary>
    public TimeSpan? CallTimeout { get; set; }
}
