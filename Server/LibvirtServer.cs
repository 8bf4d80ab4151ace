using System.IO.Pipelines;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Connections;
using LibvirtRemote.Server.Events;
using LibvirtRemote.Server.Listeners;

namespace LibvirtRemote.Server;

/// <summary>
/// A libvirtd-compatible server: accepts clients on Unix, TCP and TLS listeners (or any duplex pipe), speaks the
/// remote, qemu, lxc and keepalive programs, and hands the hypervisor calls to a <see cref="ServerBackend"/>.
/// </summary>
public sealed partial class LibvirtServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<ClientConnection> _clients = [];

    // Clients of the admin socket among _clients: each accept checks its server's limit without a walk of them all.
    private int _adminClients;

    // libvirtd numbers each server's clients on their own.
    private ulong _nextClientId;
    private ulong _nextAdminClientId;
    private readonly List<ServerListener> _listeners = [];
    private readonly Action<LogLevelName, string>? _log;
    private TaskCompletionSource? _slotWaiter;
    private int _anonymous;
    private bool _disposed;

    /// <summary>Creates a server for <paramref name="backend"/>; nothing listens until a Listen method is called.</summary>
    public LibvirtServer(ServerBackend backend, ServerOptions? options = null, Action<LogLevelName, string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
        Options = options ?? new ServerOptions();
        _log = log;
        Events = new EventHub();
        HypervisorServer = new Admin.DaemonServer("libvirtd", admin: false, (uint)Options.MaxClients, (uint)Options.MaxAnonymousClients, Options.MinWorkers, Options.MaxWorkers, Options.PrioWorkers);
        // libvirtd's admin server: no unauthenticated clients, no priority workers.
        AdminServer = new Admin.DaemonServer("admin", admin: true, Options.AdminMaxClients, 0, Options.AdminMinWorkers, Options.AdminMaxWorkers, 0);
    }

    /// <summary>The backend serving the hypervisor calls.</summary>
    public ServerBackend Backend { get; }

    /// <summary>Limits and timers.</summary>
    public ServerOptions Options { get; }

    /// <summary>Where handlers publish events for subscribed clients.</summary>
    public EventHub Events { get; }

    /// <summary>Lowest level written to the log callback.</summary>
    public LogLevelName LogLevel { get; set; } = LogLevelName.Warning;

    /// <summary>
    /// The local rule that stands in for polkit on listeners with <see cref="Config.ServerAuth.Polkit"/>: by default the
    /// server's own user and root are allowed, everyone else is denied.
    /// </summary>
    public Func<ClientContext, bool> PolkitRule { get; init; } = DefaultPolkitRule;

    /// <summary>
    /// An access check consulted before each backend call of an authenticated client (libvirt's access-control hook):
    /// return false to refuse the call with <c>VIR_ERR_ACCESS_DENIED</c>. It sees who the client is
    /// (<see cref="ClientContext"/>: peer credentials, certificate subject, SASL user) and which procedure it calls.
    /// Null allows everything.
    /// </summary>
    public Func<ClientContext, ProcedureInfo, bool>? AccessCheck { get; init; }

    /// <summary>SASL settings for listeners that demand SASL; null when the server offers no SASL.</summary>
    public SaslServerOptions? Sasl { get; init; }

    /// <summary>Clients connected now.</summary>
    public int ClientCount
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>Listeners started so far.</summary>
    public IReadOnlyList<ServerListener> Listeners
    {
        get
        {
            lock (_gate)
            {
                return [.. _listeners];
            }
        }
    }

    /// <summary>Serves one client over <paramref name="pipe"/> (an in-memory pipe, or a transport the embedder set up) until it leaves.</summary>
    public Task ServeAsync(IDuplexPipe pipe, ListenerOptions listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(listener);
        return ServeAsync(pipe, new ClientContext(ServerTransport.Pipe, listener.ReadOnly), listener, cancellationToken);
    }

    /// <summary>Listens on a Unix socket at <paramref name="path"/> (replacing a stale socket file).</summary>
    public ServerListener ListenUnix(string path, ListenerOptions listener, UnixFileMode? mode = null)
        => Add(UnixListener.Start(this, path, listener, mode));

    /// <summary>Listens for plain TCP clients.</summary>
    public ServerListener ListenTcp(System.Net.IPEndPoint endPoint, ListenerOptions listener)
        => Add(TcpListenerService.Start(this, endPoint, listener, tls: null));

    /// <summary>Listens for TLS clients; the client certificate is checked as <paramref name="tls"/> says before the confirmation byte is sent.</summary>
    public ServerListener ListenTls(System.Net.IPEndPoint endPoint, ListenerOptions listener, TlsServerOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return Add(TcpListenerService.Start(this, endPoint, listener, tls));
    }

    /// <summary>Stops listening and disconnects every client.</summary>
    public async ValueTask DisposeAsync()
    {
        ServerListener[] listeners;
        ClientConnection[] clients;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listeners = [.. _listeners];
            clients = [.. _clients];
            _slotWaiter?.TrySetResult();
        }

        foreach (ServerListener listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (ClientConnection client in clients)
        {
            client.Abort();
        }

        foreach (ClientConnection client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal Task ServeAsync(IDuplexPipe pipe, ClientContext context, ListenerOptions listener, CancellationToken cancellationToken)
    {
        var connection = new ClientConnection(this, pipe, context, listener);
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.FromException(new ObjectDisposedException(nameof(LibvirtServer)));
            }

            _clients.Add(connection);
            if (connection.IsAdmin)
            {
                _adminClients++;
                connection.AdminId = ++_nextAdminClientId;
            }
            else
            {
                connection.AdminId = ++_nextClientId;
            }

            if (!context.Authenticated)
            {
                _anonymous++;
            }

            StopIdleTimer();
        }

        // Not async itself: the connection's own method is the only one that waits, for as long as the client stays.
        return connection.RunAsync(cancellationToken);
    }

    /// <summary>Completes when another client may be accepted (below max_clients and max_anonymous_clients).</summary>
    internal Task WaitForClientSlotAsync(bool admin, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            (uint max, uint maxUnauth) = (admin ? AdminServer : HypervisorServer).Limits;
            int count = ClientCountLocked(admin);
            int anonymous = admin ? 0 : _anonymous;
            // The admin server takes no unauthenticated clients, and its socket's clients never are.
            if (_disposed || (count < max && (admin || anonymous < maxUnauth)))
            {
                return Task.CompletedTask;
            }

            _slotWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _slotWaiter.Task.WaitAsync(cancellationToken);
        }
    }

    internal void OnClientAuthenticated(ClientConnection client)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _anonymous--;
            waiter = _slotWaiter;
            _slotWaiter = null;
        }

        waiter?.TrySetResult();
    }

    internal void OnClientClosed(ClientConnection client)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_clients.Remove(client))
            {
                if (client.IsAdmin)
                {
                    _adminClients--;
                }

                if (!client.Context.Authenticated)
                {
                    _anonymous--;
                }
            }

            if (_clients.Count == 0)
            {
                StartIdleTimer();
            }

            waiter = _slotWaiter;
            _slotWaiter = null;
        }

        Events.RemoveClient(client);
        waiter?.TrySetResult();
    }

    internal void Log(LogLevelName level, string message)
    {
        if (level >= LogLevel)
        {
            _log?.Invoke(level, message);
        }
    }

    private ServerListener Add(ServerListener listener)
    {
        lock (_gate)
        {
            _listeners.Add(listener);
        }

        return listener;
    }

    private static bool DefaultPolkitRule(ClientContext client)
        => client.UnixUserId is int uid && (uid == 0 || uid == PeerCredentials.CurrentUserId());
}
