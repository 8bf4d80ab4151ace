namespace LibvirtRemote.Client;

/// <summary>Domain run state (virDomainState).</summary>
public enum DomainState
{
    /// <summary>No state.</summary>
    NoState = 0,

    /// <summary>Running.</summary>
    Running = 1,

    /// <summary>Blocked on a resource.</summary>
    Blocked = 2,

    /// <summary>Paused by the user.</summary>
    Paused = 3,

    /// <summary>Being shut down.</summary>
    Shutdown = 4,

    /// <summary>Shut off.</summary>
    Shutoff = 5,

    /// <summary>Crashed.</summary>
    Crashed = 6,

    /// <summary>Suspended by guest power management.</summary>
    PMSuspended = 7,
}

/// <summary>What <c>virDomainGetInfo</c> reports.</summary>
/// <param name="State">Run state.</param>
/// <param name="MaxMemoryKiB">Maximum memory in KiB.</param>
/// <param name="MemoryKiB">Current memory in KiB.</param>
/// <param name="VirtualCpus">Number of virtual CPUs.</param>
/// <param name="CpuTime">CPU time used, in nanoseconds.</param>
public sealed record DomainInfo(DomainState State, ulong MaxMemoryKiB, ulong MemoryKiB, int VirtualCpus, ulong CpuTime);
