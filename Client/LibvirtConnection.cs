using System.Net;
using System.Net.Sockets;
using System.IO.Pipelines;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Client.Ssh;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client;

/// <summary>
/// A connection to a libvirt daemon over the remote protocol, opened with the same handshake as libvirt's
/// remote driver. Thread-safe; calls may overlap.
/// </summary>
public sealed partial class LibvirtConnection : IAsyncDisposable
{
    private const uint ConnectReadOnlyFlag = 1;
    private const int FeatureProgramKeepalive = 10;
    private const int FeatureRemoteEventCallback = 14;
    private const int FeatureRemoteCloseCallback = 15;
    private readonly RpcConnection _rpc;
    private readonly EventDispatcher _events;
    private readonly SaslSecurityLayerPipe? _securityLayerPipe;
    private int _closeCallbackWanted;
    private int _closed;

    private LibvirtConnection(RpcConnection rpc, LibvirtUri uri, SaslSecurityLayerPipe? securityLayerPipe)
    {
        _rpc = rpc;
        _securityLayerPipe = securityLayerPipe;
        Uri = uri;
        Remote = new RemoteCalls(rpc);
        Qemu = new QemuCalls(rpc);
        Lxc = new LxcCalls(rpc);
        _events = new EventDispatcher(rpc);
        rpc.MessageReceived = _events.OnMessage;
        Events = new LibvirtEvents(this, _events);
    }

    /// <summary>The URI this connection was opened with.</summary>
    public LibvirtUri Uri { get; }

    /// <summary>The underlying call multiplexer.</summary>
    public RpcConnection Rpc => _rpc;

    /// <summary>Every procedure of the remote program as a typed method, e.g. <c>Remote.DomainGetInfoAsync(args)</c>.</summary>
    public RemoteCalls Remote { get; }

    /// <summary>Every call procedure of the QEMU-specific program (monitor and agent commands).</summary>
    public QemuCalls Qemu { get; }

    /// <summary>Every call procedure of the LXC-specific program.</summary>
    public LxcCalls Lxc { get; }

    /// <summary>Event subscriptions (domain, network, storage pool, node device, secret, QEMU monitor).</summary>
    public LibvirtEvents Events { get; }

    /// <summary>
    /// Completes when the connection closes, with the reason: when the server reports that its hypervisor
    /// connection closed, or when this connection ends (server gone, error, or this client closing it), like
    /// virConnectRegisterCloseCallback. Never faults.
    /// </summary>
    /// <remarks>
    /// As in libvirt, the server is asked for its close notice only once someone wants it: the first read of this
    /// property registers (in the background), so opening a connection costs no extra round trips.
    /// </remarks>
    public Task<CloseReason> Closed
    {
        get
        {
            if (Interlocked.Exchange(ref _closeCallbackWanted, 1) == 0)
            {
                _ = RegisterCloseCallbackAsync();
            }

            return _events.Closed;
        }
    }

    /// <summary>Whether the server supports callback-style event registration (feature 14).</summary>
    public bool SupportsEventCallbacks { get; private set; }

    /// <summary>Opens a connection by URI, e.g. <c>test+unix:///default?socket=/path</c> or <c>qemu+tcp://host/system</c>.</summary>
    /// <remarks>
    /// A null or empty <paramref name="uri"/> means the default, as for virConnectOpen(NULL): LIBVIRT_DEFAULT_URI,
    /// else <c>uri_default</c> in libvirt.conf; a name listed in <c>uri_aliases</c> is replaced by its URI.
    /// </remarks>
    public static async Task<LibvirtConnection> OpenAsync(string? uri, LibvirtConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LibvirtConnectionOptions();
        LibvirtUri parsed = LibvirtUri.Parse(ClientConfig.ResolveForThisProcess(uri));
        (AskpassBridge? askpass, SshPromptTranslator? prompts) = StartAskpass(parsed, options);
        try
        {
            IDuplexPipe pipe = await ConnectTransportAsync(parsed, options, askpass, cancellationToken).ConfigureAwait(false);
            return await OpenAsync(pipe, parsed, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (prompts?.Failure is LibvirtException refused && e is LibvirtClientException or IOException)
        {
            // ssh only says that it gave up; libvirt names the answer that made it give up.
            throw refused;
        }
        finally
        {
            // Once the connection is open (or has failed) ssh has nothing left to ask.
            if (askpass is not null)
            {
                await askpass.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Opens a connection over an already connected byte pipe (a custom transport, or an in-memory peer in tests);
    /// <paramref name="uri"/> supplies the name sent in CONNECT_OPEN. The connection owns the pipe from now on.
    /// </summary>
    public static async Task<LibvirtConnection> OpenAsync(IDuplexPipe pipe, LibvirtUri uri, LibvirtConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(uri);
        options ??= new LibvirtConnectionOptions();
        LibvirtUri parsed = uri;
        var rpc = new RpcConnection(pipe, new RpcConnectionOptions { CallTimeout = options.CallTimeout });
        var connection = new LibvirtConnection(rpc, parsed, pipe as SaslSecurityLayerPipe);
        try
        {
            await connection.HandshakeAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await rpc.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>Calls a procedure of the remote program.</summary>
    public ValueTask<TRet> CallAsync<TArgs, TRet>(Procedure procedure, TArgs args, CancellationToken cancellationToken = default)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
        => _rpc.CallAsync<TArgs, TRet>((uint)RemoteProtocol.RemoteProgram, (uint)RemoteProtocol.RemoteProtocolVersion, (int)procedure, args, cancellationToken);

    /// <summary>libvirt version of the daemon's library, as major * 1,000,000 + minor * 1,000 + release.</summary>
    public async Task<ulong> GetLibVersionAsync(CancellationToken cancellationToken = default)
        => (await CallAsync<XdrVoid, ConnectGetLibVersionRet>(Procedure.ConnectGetLibVersion, default, cancellationToken).ConfigureAwait(false)).LibVer;

    /// <summary>Host name of the hypervisor host.</summary>
    public async Task<string> GetHostnameAsync(CancellationToken cancellationToken = default)
        => (await CallAsync<XdrVoid, ConnectGetHostnameRet>(Procedure.ConnectGetHostname, default, cancellationToken).ConfigureAwait(false)).Hostname;

    /// <summary>Node (host) information, as <c>virsh nodeinfo</c> shows it.</summary>
    public async Task<NodeGetInfoRet> GetNodeInfoAsync(CancellationToken cancellationToken = default)
        => await CallAsync<XdrVoid, NodeGetInfoRet>(Procedure.NodeGetInfo, default, cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the hypervisor connection (CONNECT_CLOSE), then the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _events.OnClientClosing();
        try
        {
            if (_rpc.Failure is null)
            {
                // CONNECT_CLOSE also drops a registered close callback on the server, so libvirt sends nothing else.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await CallAsync<XdrVoid, XdrVoid>(Procedure.ConnectClose, default, timeout.Token).ConfigureAwait(false);
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

    private static async Task<IDuplexPipe> ConnectTransportAsync(LibvirtUri uri, LibvirtConnectionOptions options, AskpassBridge? askpass, CancellationToken cancellationToken)
    {
        switch (uri.EffectiveTransport)
        {
            case "unix":
                string socket = uri["socket"] ?? UnixSocketLocator.Locate(uri, options.ReadOnly);
                // Our own socket loop where it can carry file descriptors; a plain stream elsewhere.
                return UnixSocketPipe.IsSupported
                    ? await UnixSocketPipe.ConnectAsync(socket, dedicatedReceiveThread: true, cancellationToken).ConfigureAwait(false)
                    : await StreamDuplexPipe.ConnectUnixAsync(socket, cancellationToken).ConfigureAwait(false);
            case "tcp":
                string host = uri.Host ?? "localhost";
                int port = uri.Port ?? 16509;
                IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
                SocketException? last = null;
                foreach (IPAddress address in addresses)
                {
                    try
                    {
                        // Plain TCP carries a SASL security layer once authentication negotiates one.
                        return new SaslSecurityLayerPipe(await StreamDuplexPipe.ConnectTcpAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false));
                    }
                    catch (SocketException e)
                    {
                        last = e;
                    }
                }

                throw new LibvirtClientException($"Cannot connect to {host}:{port}", last);
            case "tls":
                return await ConnectTlsAsync(uri, options, cancellationToken).ConfigureAwait(false);
            case "ssh":
            case "libssh":
            case "libssh2":
            case "ext":
                return ConnectProcessTransport(uri, options, askpass);
            default:
                throw new NotSupportedException($"Transport '{uri.EffectiveTransport}' is not supported (unix, tcp, tls, ssh, libssh, libssh2 and ext are)");
        }
    }

    private async Task RegisterCloseCallbackAsync()
    {
        try
        {
            if (_rpc.Failure is null && await SupportsFeatureAsync(FeatureRemoteCloseCallback, CancellationToken.None).ConfigureAwait(false))
            {
                await CallAsync<XdrVoid, XdrVoid>(Procedure.ConnectRegisterCloseCallback, default).ConfigureAwait(false);
            }
        }
        catch (LibvirtClientException)
        {
            // The connection ending completes Closed anyway; a server that refuses only loses the early notice.
        }
    }

    private async Task<bool> SupportsFeatureAsync(int feature, CancellationToken cancellationToken)
        => (await CallAsync<ConnectSupportsFeatureArgs, ConnectSupportsFeatureRet>(
            Procedure.ConnectSupportsFeature,
            new ConnectSupportsFeatureArgs { Feature = feature },
            cancellationToken).ConfigureAwait(false)).Supported != 0;

    private async Task HandshakeAsync(LibvirtConnectionOptions options, CancellationToken cancellationToken)
    {
        AuthListRet auth = await CallAsync<XdrVoid, AuthListRet>(Procedure.AuthList, default, cancellationToken).ConfigureAwait(false);
        switch (auth.Types.Length == 0 ? AuthType.None : ChooseAuthType(auth.Types))
        {
            case AuthType.None:
                break;
            case AuthType.Sasl:
                await AuthenticateSaslAsync(options, cancellationToken).ConfigureAwait(false);
                break;
            case AuthType.Polkit:
                await AuthenticatePolkitAsync(cancellationToken).ConfigureAwait(false);
                break;
            case AuthType type:
                throw new NotSupportedException($"The server requires authentication type {type}, which is not supported");
        }

        // Same order as libvirt's remote driver; asking for keepalive makes the server ping us, and we answer.
        // The keepalive query and CONNECT_OPEN go out together and cost one round trip: libvirtd answers feature 10
        // whether or not the hypervisor connection is open (it may run the two calls in either order), and
        // CONNECT_OPEN does not depend on it. Both are awaited, the open's failure first, so neither goes unobserved.
        Task<bool> keepaliveQuery = SupportsFeatureAsync(FeatureProgramKeepalive, cancellationToken);
        Task open = CallAsync<ConnectOpenArgs, XdrVoid>(
            Procedure.ConnectOpen,
            new ConnectOpenArgs { Name = Uri.RemoteName(), Flags = options.ReadOnly ? ConnectReadOnlyFlag : 0 },
            cancellationToken).AsTask();
        await Task.WhenAll(open, keepaliveQuery).ConfigureAwait(false);
        bool keepalive = await keepaliveQuery.ConfigureAwait(false);
        SupportsEventCallbacks = await SupportsFeatureAsync(FeatureRemoteEventCallback, cancellationToken).ConfigureAwait(false);

        if (keepalive && options.KeepaliveInterval is TimeSpan interval)
        {
            _rpc.StartKeepalive(interval, options.KeepaliveCount);
        }
    }
}
