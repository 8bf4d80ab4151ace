namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>How soon a vanished peer must be noticed in the fault tests.</summary>
internal static class FaultBounds
{
    /// <summary>
    /// Noticed from the socket itself, not from keepalive (5 s × 5 by default) or never. Generous, because the VM host
    /// can steal half of this machine's two cores while the suite runs and a 2-second bound then failed on a drop
    /// that took 3.5 s.
    /// </summary>
    public static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);
}
