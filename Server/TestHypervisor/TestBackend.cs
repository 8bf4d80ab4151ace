namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// The embedded in-memory test hypervisor: a backend whose initial state matches libvirt's <c>test:///default</c>
/// (one running domain "test", network "default", storage pool "default-pool", ...). All clients share one state.
/// </summary>
public sealed class TestBackend : ServerBackend
{
    /// <summary>Creates the hypervisor in its initial state.</summary>
    public TestBackend() => State = TestState.CreateDefault();

    /// <summary>The shared hypervisor state.</summary>
    public TestState State { get; }

    /// <inheritdoc/>
    public override bool HasSecretDriver => false;

    /// <inheritdoc/>
    public override bool HasQemuMonitorEvents => false;

    /// <inheritdoc/>
    public override RemoteHandlers CreateRemoteHandlers(ClientContext client) => new TestHandlers(State, client);
}
