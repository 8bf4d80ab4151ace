namespace LibvirtRemote.Soak;

/// <summary>Test-only code the soak runs as it goes; a test uses it to inject a leak and see the verdict fail.</summary>
public sealed class SoakHooks
{
    /// <summary>Runs after every call (warm-up included), on the caller's thread.</summary>
    public Action? AfterCall { get; init; }

    /// <summary>Runs after every connect/disconnect cycle (warm-up included).</summary>
    public Action? AfterCycle { get; init; }
}
