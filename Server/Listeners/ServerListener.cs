using System.Net;
using System.Net.Sockets;

namespace LibvirtRemote.Server.Listeners;

/// <summary>A listening socket and its accept loop; disposing it stops accepting (connected clients stay).</summary>
public abstract class ServerListener : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _acceptLoop = Task.CompletedTask;

    private protected ServerListener(LibvirtServer server, Socket socket, ListenerOptions options)
    {
        Server = server;
        Socket = socket;
        Options = options;
    }

    /// <summary>Where the listener accepts connections (an <see cref="IPEndPoint"/> or a Unix socket path).</summary>
    public EndPoint LocalEndPoint => Socket.LocalEndPoint!;

    /// <summary>Authentication and read-only settings of this listener's clients.</summary>
    public ListenerOptions Options { get; }

    private protected LibvirtServer Server { get; }

    private protected Socket Socket { get; }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Socket.Dispose();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        OnStopped();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected void StartAccepting() => _acceptLoop = AcceptLoopAsync(_stop.Token);

    /// <summary>Wraps an accepted socket (TLS handshake, fd-capable pipe, ...) and serves it.</summary>
    private protected abstract Task ServeAcceptedAsync(Socket accepted, CancellationToken cancellationToken);

    private protected virtual void OnStopped()
    {
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Over the client limits libvirtd stops accepting; new peers wait in the listen backlog.
            await Server.WaitForClientSlotAsync(Options.Admin, cancellationToken).ConfigureAwait(false);
            Socket accepted;
            try
            {
                accepted = await Socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }

            _ = ServeGuardedAsync(accepted, cancellationToken);
        }
    }

    private async Task ServeGuardedAsync(Socket accepted, CancellationToken cancellationToken)
    {
        try
        {
            await ServeAcceptedAsync(accepted, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Server.Log(LogLevelName.Info, $"connection from {SafeRemote(accepted)} ended: {e.Message}");
            accepted.Dispose();
        }
    }

    private static string SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "unix peer";
        }
        catch (ObjectDisposedException)
        {
            return "peer";
        }
    }
}
