namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Everything the test hypervisor knows, shared by all clients. Object kinds live in partial files
/// (TestState.Domains.cs, ...); each guards its collections with <see cref="Gate"/>.
/// </summary>
public sealed partial class TestState
{
    /// <summary>Guards all state; held only for short, non-blocking sections.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>Builds the state of libvirt's <c>test:///default</c>.</summary>
    public static TestState CreateDefault()
    {
        var state = new TestState();
        state.InitializeDefaults();
        return state;
    }

    // Each partial part adds its defaults here by implementing its own Initialize* method called from this one.
    private void InitializeDefaults()
    {
        InitializeDomains();
        InitializeNetworks();
        InitializeStorage();
        InitializeOthers();
    }

    partial void InitializeDomains();

    partial void InitializeNetworks();

    partial void InitializeStorage();

    partial void InitializeOthers();
}
