using System.Net;
using System.Net.Sockets;
using System.IO.Pipelines;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Server.Listeners;

/// <summary>A TCP listener, plain or TLS.</summary>
internal sealed class TcpListenerService : ServerListener
{
    private volatile TlsServerOptions? _tls;

    private TcpListenerService(LibvirtServer server, Socket socket, ListenerOptions options, TlsServerOptions? tls)
        : base(server, socket, options) => _tls = tls;

    public static TcpListenerService Start(LibvirtServer server, IPEndPoint endPoint, ListenerOptions options, TlsServerOptions? tls)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(options);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                // The wildcard address means both families, as libvirtd listens when listen_addr is unset.
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(server.Options.MaxQueuedClients);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var listener = new TcpListenerService(server, socket, options, tls);
        listener.StartAccepting();
        return listener;
    }

    private protected override async Task ServeAcceptedAsync(Socket accepted, CancellationToken cancellationToken)
    {
        accepted.NoDelay = true;
        EndPoint? remote = accepted.RemoteEndPoint;
        if (_tls is null)
        {
            var context = new ClientContext(ServerTransport.Tcp, Options.ReadOnly) { RemoteEndPoint = remote };
            IDuplexPipe pipe = new StreamDuplexPipe(new NetworkStream(accepted, ownsSocket: true));
            if (Options.Auth == Config.ServerAuth.Sasl)
            {
                // SASL on plain TCP brings a security layer, switched on once the exchange completes.
                pipe = new SaslSecurityLayerPipe(pipe);
            }

            await Server.ServeAsync(pipe, context, Options, cancellationToken).ConfigureAwait(false);
            return;
        }

        await TlsHandshake.ServeAsync(Server, _tls!, accepted, Options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether this listener speaks TLS.</summary>
    internal bool IsTls => _tls is not null;

    /// <summary>Uses <paramref name="tls"/> for clients accepted from now on; connected clients keep their session.</summary>
    internal void ReplaceTls(TlsServerOptions tls) => _tls = tls;
}
