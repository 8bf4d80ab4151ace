using System.Collections.Concurrent;
using LibvirtRemote.Server;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>Passes everything to another backend and notes which clients came and which the server has let go.</summary>
internal sealed class ObservedBackend(ServerBackend inner) : ServerBackend
{
    private readonly ConcurrentDictionary<long, ClientContext> _open = new();
    private int _closed;

    /// <summary>Clients whose close hook has run (after their last call completed or was abandoned).</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Clients connected and not yet closed, as the backend sees them.</summary>
    public IReadOnlyCollection<ClientContext> Open => [.. _open.Values];

    public override RemoteHandlers CreateRemoteHandlers(ClientContext client)
    {
        _open[client.Id] = client;
        return inner.CreateRemoteHandlers(client);
    }

    public override QemuHandlers? CreateQemuHandlers(ClientContext client) => inner.CreateQemuHandlers(client);

    public override LxcHandlers? CreateLxcHandlers(ClientContext client) => inner.CreateLxcHandlers(client);

    public override void OnHypervisorClosed(ClientContext client) => inner.OnHypervisorClosed(client);

    public override void OnClientClosed(ClientContext client)
    {
        _open.TryRemove(client.Id, out _);
        Interlocked.Increment(ref _closed);
        inner.OnClientClosed(client);
    }
}
