namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// The remote program as the test hypervisor serves it, one instance per client. The methods live in partial files
/// per object kind (TestHandlers.Connect.cs, TestHandlers.Domains.cs, ...).
/// </summary>
internal sealed partial class TestHandlers : RemoteHandlers
{
    private readonly TestBackend _backend;
    private readonly ClientContext _client;

    // Taken again at open: the backend may have started over since this client connected.
    private TestState _state;

    public TestHandlers(TestBackend backend, ClientContext client)
    {
        _backend = backend;
        _state = backend.State;
        _client = client;
    }
}
