namespace LibvirtRemote.Server.Events;

/// <summary>The registration families of libvirt's events; callback IDs and event IDs are per family.</summary>
public enum EventFamily
{
    /// <summary>Domain events.</summary>
    Domain,

    /// <summary>Network events.</summary>
    Network,

    /// <summary>Storage pool events.</summary>
    StoragePool,

    /// <summary>Node device events.</summary>
    NodeDevice,

    /// <summary>Secret events.</summary>
    Secret,

    /// <summary>QEMU monitor events (qemu program).</summary>
    QemuMonitor,
}
