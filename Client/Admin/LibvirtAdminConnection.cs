using System.IO.Pipelines;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Client.Admin;

/// <summary>
/// A connection to a daemon's admin server (the admin program on <c>libvirt-admin-sock</c>), as <c>virt-admin</c>
/// and virAdmConnectOpen make it: list and tune the daemon's servers, see and drop their clients, change logging.
/// Thread-safe; calls may overlap. Server errors surface as <see cref="LibvirtException"/> with libvirt's code and
/// domain.
/// </summary>
/// <remarks>libvirt's admin client neither asks for nor sends keepalive, so neither does this one.</remarks>
public sealed class LibvirtAdminConnection : IAsyncDisposable
{
    private readonly RpcConnection _rpc;
    private readonly TaskCompletionSource<CloseReason> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private LibvirtAdminConnection(RpcConnection rpc, string uri)
    {
        _rpc = rpc;
        Uri = uri;
        Calls = new AdminCalls(rpc);
        _ = rpc.Completion.ContinueWith(
            _ => _closed.TrySetResult(EventDispatcher.ReasonFor(_rpc.Failure ?? new ConnectionLostException("The connection ended"), Volatile.Read(ref _disposed) != 0)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The URI this connection was opened with, after default and alias resolution (virAdmConnectGetURI).</summary>
    public string Uri { get; }

    /// <summary>Every procedure of the admin program as a typed method, for what the methods here do not wrap.</summary>
    public AdminCalls Calls { get; }

    /// <summary>Whether the socket is still open (virAdmConnectIsAlive).</summary>
    public bool IsAlive => !_rpc.Completion.IsCompleted;

    /// <summary>
    /// Completes when the connection ends, with the reason (the daemon went away, an error, or this client closing
    /// it), like virAdmConnectRegisterCloseCallback. Never faults.
    /// </summary>
    public Task<CloseReason> Closed => _closed.Task;

    /// <summary>
    /// Opens an admin connection. A null <paramref name="uri"/> means the default: LIBVIRT_ADMIN_DEFAULT_URI, else
    /// <c>uri_default</c> in libvirt-admin.conf, else <c>libvirtd:///system</c> (root) or <c>libvirtd:///session</c>.
    /// </summary>
    /// <exception cref="LibvirtException">The URI is not an admin URI (VIR_ERR_CONFIG_UNSUPPORTED), or the daemon refused the connection.</exception>
    /// <exception cref="LibvirtClientException">The socket cannot be reached.</exception>
    public static async Task<LibvirtAdminConnection> OpenAsync(string? uri, LibvirtAdminConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LibvirtAdminConnectionOptions();
        (string resolved, string socket) = AdminSocketResolver.ResolveForThisProcess(uri, options.NoAliases);
        IDuplexPipe pipe;
        try
        {
            pipe = await StreamDuplexPipe.ConnectUnixAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new LibvirtClientException($"Failed to connect socket to '{socket}': {e.Message}", e);
        }

        return await OpenAsync(pipe, resolved, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens an admin connection over an already connected pipe, which the connection owns from now on.</summary>
    public static async Task<LibvirtAdminConnection> OpenAsync(IDuplexPipe pipe, string uri, LibvirtAdminConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(uri);
        var rpc = new RpcConnection(pipe, new RpcConnectionOptions { CallTimeout = options?.CallTimeout });
        var connection = new LibvirtAdminConnection(rpc, uri);
        try
        {
            // NO_ALIASES is consumed on this side, and the admin server accepts no other flag.
            await connection.Calls.AdminConnectOpenAsync(new AdminConnectOpenArgs { Flags = 0 }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await rpc.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>The daemon's libvirt version, as major * 1,000,000 + minor * 1,000 + release.</summary>
    public async Task<ulong> GetLibVersionAsync(CancellationToken cancellationToken = default)
        => (await Calls.AdminConnectGetLibVersionAsync(cancellationToken).ConfigureAwait(false)).LibVer;

    /// <summary>The daemon's servers (libvirtd has <c>libvirtd</c> and <c>admin</c>).</summary>
    public async Task<IReadOnlyList<AdminServer>> ListServersAsync(CancellationToken cancellationToken = default)
    {
        AdminConnectListServersRet ret = await Calls.AdminConnectListServersAsync(new AdminConnectListServersArgs { NeedResults = 1 }, cancellationToken).ConfigureAwait(false);
        return Array.ConvertAll(ret.Servers ?? [], s => new AdminServer(this, s.Name));
    }

    /// <summary>A server by name.</summary>
    /// <exception cref="LibvirtException">No such server (VIR_ERR_NO_SERVER).</exception>
    public async Task<AdminServer> LookupServerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        AdminConnectLookupServerRet ret = await Calls.AdminConnectLookupServerAsync(new AdminConnectLookupServerArgs { Name = name }, cancellationToken).ConfigureAwait(false);
        return new AdminServer(this, ret.Srv.Name);
    }

    /// <summary>The daemon's log outputs, in libvirt's <c>level:type:data</c> syntax, space separated.</summary>
    public async Task<string> GetLoggingOutputsAsync(CancellationToken cancellationToken = default)
        => (await Calls.AdminConnectGetLoggingOutputsAsync(default, cancellationToken).ConfigureAwait(false)).Outputs;

    /// <summary>The daemon's log filters, space separated; empty when there are none.</summary>
    public async Task<string> GetLoggingFiltersAsync(CancellationToken cancellationToken = default)
        => (await Calls.AdminConnectGetLoggingFiltersAsync(default, cancellationToken).ConfigureAwait(false)).Filters ?? string.Empty;

    /// <summary>Replaces the daemon's log outputs; null or empty restores the daemon's default output.</summary>
    public async Task SetLoggingOutputsAsync(string? outputs, CancellationToken cancellationToken = default)
        => await Calls.AdminConnectSetLoggingOutputsAsync(new AdminConnectSetLoggingOutputsArgs { Outputs = outputs }, cancellationToken).ConfigureAwait(false);

    /// <summary>Replaces the daemon's log filters; null or empty removes them all.</summary>
    public async Task SetLoggingFiltersAsync(string? filters, CancellationToken cancellationToken = default)
        => await Calls.AdminConnectSetLoggingFiltersAsync(new AdminConnectSetLoggingFiltersArgs { Filters = filters }, cancellationToken).ConfigureAwait(false);

    /// <summary>Sets how long the daemon stays up without clients before it exits, in seconds; 0 means forever.</summary>
    /// <exception cref="LibvirtException">The daemon was not started with a timeout it can change (libvirtd refuses with VIR_ERR_OPERATION_INVALID).</exception>
    public async Task SetDaemonTimeoutAsync(uint seconds, CancellationToken cancellationToken = default)
        => await Calls.AdminConnectSetDaemonTimeoutAsync(new AdminConnectSetDaemonTimeoutArgs { Timeout = seconds }, cancellationToken).ConfigureAwait(false);

    /// <summary>Asks the daemon to shut down (procedure 20, which libvirt 9.0.0 does not know yet).</summary>
    /// <exception cref="UnknownProcedureException">The daemon predates the procedure.</exception>
    public async Task DaemonShutdownAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => await Calls.AdminConnectDaemonShutdownAsync(new AdminConnectDaemonShutdownArgs { Flags = flags }, cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the admin connection (CONNECT_CLOSE), then the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_rpc.Failure is null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await Calls.AdminConnectCloseAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is LibvirtClientException or OperationCanceledException)
        {
            // Closing is best effort: the socket goes away regardless.
        }
        finally
        {
            await _rpc.DisposeAsync().ConfigureAwait(false);
        }
    }
}
