using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Checkpoints;
using LibvirtRemote.Server.TestHypervisor.Snapshots;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>One domain of the test hypervisor: its stored configuration, the live copy while it runs, and its state.</summary>
internal sealed class TestDomain
{
    public TestDomain(DomainDefinition config) => Config = config;

    /// <summary>The configuration define stored (for a transient domain, the one it was created with).</summary>
    public DomainDefinition Config { get; set; }

    /// <summary>The running copy, which live changes (setmem, setvcpus) modify; null while shut off.</summary>
    public DomainDefinition? Live { get; set; }

    public DomainDefinition Current => Live ?? Config;

    public string Name => Config.Name;

    public byte[] Uuid => Config.Uuid;

    public int Id { get; set; } = -1;

    public DomainState State { get; set; } = DomainState.Shutoff;

    public int Reason { get; set; }

    public bool Persistent { get; set; }

    /// <summary>
    /// While running, whether a persistent configuration waits behind the live one (libvirt's newDef): set by a start
    /// while persistent or a define while running, kept by an undefine while running. A define of a running domain
    /// reports "updated" only then, "added" for one that has always been transient.
    /// </summary>
    public bool HasPendingConfig { get; set; }

    public bool Autostart { get; set; }

    /// <summary>managedsave stopped it; the next start clears this.</summary>
    public bool HasManagedSave { get; set; }

    /// <summary>The guest clock domtime reads and sets; the test driver starts every domain object at this value.</summary>
    public (long Seconds, uint Nanoseconds) GuestTime { get; set; } = (627319920, 0);

    /// <summary>The domain's snapshots (libvirt keeps them with the domain object, so they go when it does).</summary>
    public SnapshotTree Snapshots { get; } = new();

    /// <summary>The domain's checkpoints, kept with the domain object as libvirt keeps them.</summary>
    public CheckpointTree Checkpoints { get; } = new();

    /// <summary>
    /// Polling settings per I/O thread, kept on the domain object rather than its definitions: iothreadadd appends one,
    /// iothreaddel removes it, iothreadset changes it, and bulk statistics report them while the domain runs.
    /// </summary>
    public List<IoThreadPolling> IoThreadPolling { get; } = [];

    public bool IsActive => State != DomainState.Shutoff;

    public NonnullDomain Handle => new() { Name = Name, Uuid = Uuid, Id = Id };
}

/// <summary>One I/O thread's polling settings as the test driver keeps them.</summary>
internal sealed class IoThreadPolling
{
    public uint Id { get; init; }

    public ulong PollMaxNs { get; set; } = 32768;

    public uint PollGrow { get; set; }

    public uint PollShrink { get; set; }
}

/// <summary>libvirt's <c>virDomainState</c>.</summary>
internal enum DomainState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    Shutdown = 4,
    Shutoff = 5,
    Crashed = 6,
    PmSuspended = 7,
}
