using LibvirtRemote.Server.Admin;
using LibvirtRemote.Server.Connections;

namespace LibvirtRemote.Server;

/// <summary>The state libvirtd's admin program reports and changes: its two servers, logging, the idle shutdown.</summary>
public sealed partial class LibvirtServer
{
    private readonly CancellationTokenSource _autoShutdown = new();
    private Timer? _idleTimer;
    private uint _daemonTimeout;

    /// <summary>The "libvirtd" server: clients of the hypervisor sockets and TCP/TLS listeners.</summary>
    public DaemonServer HypervisorServer { get; }

    /// <summary>The "admin" server: clients of the admin socket.</summary>
    public DaemonServer AdminServer { get; }

    /// <summary>Log filters and outputs as admin clients see and set them.</summary>
    public LogSettings Logging { get; } = new LogSettings("3:stderr");

    /// <summary>
    /// Fires when the daemon timeout an admin client set (<c>virt-admin daemon-timeout</c>) passes with no client
    /// connected, as libvirtd quits then; the host stops the server.
    /// </summary>
    public CancellationToken AutoShutdown => _autoShutdown.Token;

    /// <summary>Both servers, in libvirtd's order (its list is sorted by name).</summary>
    public IReadOnlyList<DaemonServer> DaemonServers => [AdminServer, HypervisorServer];

    internal DaemonServer? FindDaemonServer(string name)
        => name == AdminServer.Name ? AdminServer : name == HypervisorServer.Name ? HypervisorServer : null;

    /// <summary>Connected clients of one server, oldest first.</summary>
    internal ClientConnection[] ClientsOf(DaemonServer server)
    {
        lock (_gate)
        {
            return [.. _clients.Where(c => c.IsAdmin == server.IsAdmin).OrderBy(c => c.AdminId)];
        }
    }

    internal (int Clients, int Unauthenticated) CountClients(DaemonServer server)
    {
        lock (_gate)
        {
            return (ClientCountLocked(server.IsAdmin), server.IsAdmin ? 0 : _anonymous);
        }
    }

    // Called under _gate.
    private int ClientCountLocked(bool admin) => admin ? _adminClients : _clients.Count - _adminClients;

    /// <summary>Lets a waiting accept loop re-check the limits after an admin client changed them.</summary>
    internal void ClientLimitsChanged()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _slotWaiter;
            _slotWaiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Re-reads the certificate files for new TLS clients (set by the host that knows the file names).</summary>
    public Func<TlsServerOptions>? TlsReloader { get; set; }

    /// <summary>Reloads the TLS files of the TLS listeners; false when there is none.</summary>
    internal bool ReloadTlsFiles()
    {
        Listeners.TcpListenerService[] tls = [.. Listeners.OfType<Listeners.TcpListenerService>().Where(l => l.IsTls)];
        if (tls.Length == 0)
        {
            return false;
        }

        if (TlsReloader is { } reload)
        {
            TlsServerOptions fresh;
            try
            {
                fresh = reload();
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or NotSupportedException)
            {
                throw LibvirtErrorException.Internal($"unable to reload the TLS files: {e.Message}");
            }

            foreach (Listeners.TcpListenerService listener in tls)
            {
                listener.ReplaceTls(fresh);
            }
        }

        return true;
    }

    /// <summary>Sets the idle shutdown delay in seconds (0: never).</summary>
    internal void SetDaemonTimeout(uint seconds)
    {
        lock (_gate)
        {
            _daemonTimeout = seconds;
            StopIdleTimer();
            if (_clients.Count == 0)
            {
                StartIdleTimer();
            }
        }
    }

    /// <summary>Re-reads the log level from <see cref="Logging"/> after a change.</summary>
    internal void ApplyLogging() => LogLevel = Logging.Level;

    // Both called under _gate.
    private void StartIdleTimer()
    {
        if (_daemonTimeout == 0 || _disposed)
        {
            return;
        }

        _idleTimer = new Timer(static s => ((LibvirtServer)s!).IdleTimeoutPassed(), this, TimeSpan.FromSeconds(_daemonTimeout), Timeout.InfiniteTimeSpan);
    }

    private void StopIdleTimer()
    {
        _idleTimer?.Dispose();
        _idleTimer = null;
    }

    private void IdleTimeoutPassed()
    {
        lock (_gate)
        {
            if (_clients.Count > 0 || _idleTimer is null)
            {
                return;
            }
        }

        Log(LogLevelName.Info, "no clients for the daemon timeout: shutting down");
        _autoShutdown.Cancel();
    }
}
