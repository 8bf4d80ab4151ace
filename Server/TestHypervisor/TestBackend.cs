namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// The embedded in-memory test hypervisor: a backend whose initial state matches libvirt's <c>test:///default</c>
/// (one running domain "test", network "default", storage pool "default-pool", ...). All clients share one state,
/// and, as with libvirtd's test driver, that state is thrown away when the last client that opened it closes: the
/// next open starts from the defaults again.
/// </summary>
public sealed class TestBackend : ServerBackend
{
    private readonly Lock _gate = new();
    private readonly HashSet<long> _openClients = [];
    private TestState _state = TestState.CreateDefault();

    /// <summary>The state clients that open now share.</summary>
    public TestState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <inheritdoc/>
    public override bool HasSecretDriver => false;

    /// <inheritdoc/>
    public override bool HasQemuMonitorEvents => false;

    /// <inheritdoc/>
    public override RemoteHandlers CreateRemoteHandlers(ClientContext client) => new TestHandlers(this, client);

    /// <inheritdoc/>
    public override void OnHypervisorClosed(ClientContext client) => Release(client);

    /// <inheritdoc/>
    public override void OnClientClosed(ClientContext client) => Release(client);

    /// <summary>
    /// Counts <paramref name="client"/> among the state's users and returns the state; <paramref name="first"/> says
    /// whether no other client was using it (a fresh driver, whose event callback IDs start over).
    /// </summary>
    internal TestState Open(ClientContext client, out bool first)
    {
        lock (_gate)
        {
            first = _openClients.Count == 0;
            _openClients.Add(client.Id);
            return _state;
        }
    }

    private void Release(ClientContext client)
    {
        lock (_gate)
        {
            if (_openClients.Remove(client.Id) && _openClients.Count == 0)
            {
                _state = TestState.CreateDefault();
            }
        }
    }
}
