using System.Net;
using System.Net.Sockets;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Transport.Tls;

namespace LibvirtRemote.Client;

/// <summary>The TLS transport (<c>driver+tls://host[:port]/…</c>, the default when a host is given).</summary>
public sealed partial class LibvirtConnection
{
    private const int DefaultTlsPort = 16514;

    private static async Task<StreamDuplexPipe> ConnectTlsAsync(LibvirtUri uri, LibvirtConnectionOptions options, CancellationToken cancellationToken)
    {
        string host = uri.Host ?? "localhost";
        int port = uri.Port ?? DefaultTlsPort;
        var tls = new TlsClientOptions
        {
            ServerName = host,
            Files = TlsPkiFiles.Locate(uri["pkipath"]),
            NoVerify = uri["no_verify"] is string noVerify && noVerify != "0",
            Priority = uri["tls_priority"],
            LenientExtendedKeyUsage = options.TlsLenientExtendedKeyUsage,
        };
        IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            try
            {
                return await TlsClient.ConnectAsync(new IPEndPoint(address, port), tls, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                last = e;
            }
            catch (TlsNegotiationException e)
            {
                throw new LibvirtClientException($"Cannot connect to {host}:{port} over TLS: {e.Message}", e);
            }
        }

        throw new LibvirtClientException($"Cannot connect to {host}:{port}", last);
    }
}
