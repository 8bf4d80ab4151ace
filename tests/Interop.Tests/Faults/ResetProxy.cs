using System.Net;
using System.Net.Sockets;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// A loopback TCP proxy for one connection that can make the server side vanish: <see cref="Reset"/> aborts the
/// client's socket with RST (linger 0), so a TLS client sees its peer gone without close_notify or FIN.
/// </summary>
internal sealed class ResetProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly Task _accepting;
    private Socket? _client;
    private Socket? _upstream;

    public ResetProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Aborts the accepted connection toward the client with RST, and drops the upstream one.</summary>
    public void Reset()
    {
        Socket client = _client ?? throw new InvalidOperationException("no client connected through the proxy");
        client.LingerReset();
        _upstream?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _client?.Dispose();
        _upstream?.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        _client = await _listener.AcceptSocketAsync().ConfigureAwait(false);
        _client.NoDelay = true;
        _upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await _upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _target)).ConfigureAwait(false);
        await Task.WhenAll(PumpAsync(_client, _upstream), PumpAsync(_upstream, _client)).ConfigureAwait(false);
    }
}
