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
    private readonly bool _keepStateWhenIdle;
    private TestState _state = TestState.CreateDefault();

    /// <summary>Creates the hypervisor in its initial state; it starts over when its last client closes, as libvirtd's does.</summary>
    public TestBackend()
        : this(keepStateWhenIdle: false)
    {
    }

    /// <summary>Creates the hypervisor in its initial state.</summary>
    /// <param name="keepStateWhenIdle">
    /// Keep the state (and the event callback IDs' count) when the last client closes, instead of starting over as
    /// libvirtd's test driver does, so that separate virsh runs can build on each other.
    /// </param>
    public TestBackend(bool keepStateWhenIdle) => _keepStateWhenIdle = keepStateWhenIdle;

    /// <summary>
    /// The directory holding libvirt's CPU map (index.xml and the files it includes), which the baseline CPU call
    /// reads on first use; libvirtd 9.0.0 reads it from the same place.
    /// </summary>
    public string CpuMapDirectory { get; init; } = Cpu.CpuMapFiles.DefaultDirectory;

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
            first = _openClients.Count == 0 && !_keepStateWhenIdle;
            _openClients.Add(client.Id);
            return _state;
        }
    }

    private void Release(ClientContext client)
    {
        lock (_gate)
        {
            if (_openClients.Remove(client.Id) && _openClients.Count == 0 && !_keepStateWhenIdle)
            {
                _state = TestState.CreateDefault();
            }
        }
    }
}
