using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LibvirtRemote.Bench.Compare;

/// <summary>Both servers with a TLS listener on a free loopback port, using a <see cref="BenchPki"/>.</summary>
internal sealed partial class Daemon
{
    private string? _tlsUri;

    public static async Task<Daemon> StartLibvirtdTlsAsync(BenchPki pki)
    {
        int port = FreeLoopbackPort();
        Daemon daemon = await StartLibvirtdAsync(
            $"""
            listen_addr = "127.0.0.1"
            tls_port = "{port}"
            auth_tls = "none"
            key_file = "{pki.ServerKey}"
            cert_file = "{pki.ServerCert}"
            ca_file = "{pki.CaCert}"
            """,
            listen: true).ConfigureAwait(false);
        daemon._tlsUri = pki.Uri(port);
        await WaitForPortAsync(port).ConfigureAwait(false);
        return daemon;
    }

    public static async Task<Daemon> StartOursTlsAsync(BenchPki pki)
    {
        int port = FreeLoopbackPort();
        Daemon daemon = await StartOursAsync(0, "--tls", port.ToString(CultureInfo.InvariantCulture), pki.Directory).ConfigureAwait(false);
        daemon._tlsUri = pki.Uri(port);
        await WaitForPortAsync(port).ConfigureAwait(false);
        return daemon;
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after 30 s");
    }
}
