namespace LibvirtRemote.Client;

/// <summary>How to open a connection.</summary>
public sealed class LibvirtConnectionOptions
{
    /// <summary>
    /// Open read-only (libvirt's VIR_CONNECT_RO): over Unix the read-only socket is used and the server refuses
    /// every mutating call. Default false.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>Longest a call waits for its reply; null (default) waits indefinitely, as libvirt does.</summary>
    public TimeSpan? CallTimeout { get; set; }
}
