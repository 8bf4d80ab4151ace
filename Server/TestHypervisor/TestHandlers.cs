namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// The remote program as the test hypervisor serves it, one instance per client. The methods live in partial files
/// per object kind (TestHandlers.Connect.cs, TestHandlers.Domains.cs, ...).
/// </summary>
internal sealed partial class TestHandlers : RemoteHandlers
{
    private readonly TestState _state;
    private readonly ClientContext _client;

    public TestHandlers(TestState state, ClientContext client)
    {
        _state = state;
        _client = client;
    }
}
