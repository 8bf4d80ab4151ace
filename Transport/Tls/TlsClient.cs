using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// Opens libvirt's TLS transport: TCP, the TLS handshake with our certificate, then the server's one-byte
/// confirmation that it accepted our certificate and address. Frames written to the returned pipe go out one per
/// TLS write (see <see cref="FramePerWriteStream"/>).
/// </summary>
public static class TlsClient
{
    /// <summary>The byte libvirtd sends inside TLS once it accepts the client.</summary>
    public const byte Confirmation = 1;

    /// <summary>Message used when the server drops us after the handshake instead of confirming.</summary>
    public const string RefusedMessage =
        "the server closed the connection without confirming the TLS session (libvirtd refuses the client certificate or address)";

    /// <summary>Connects to <paramref name="endPoint"/> and sets up the TLS session.</summary>
    public static async Task<StreamDuplexPipe> ConnectAsync(EndPoint endPoint, TlsClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(options);

        // Load files first: a missing CA should not cost a connection attempt.
        X509Certificate2Collection trusted = TrustedCaCache.Load(options.Files.CaCertificate);
        SslStreamCertificateContext? mine = ClientCertificateCache.ContextFor(options.Files);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = await StartAsync(new NetworkStream(socket, ownsSocket: true), options, trusted, mine, cancellationToken).ConfigureAwait(false);
        return new StreamDuplexPipe(new FramePerWriteStream(stream));
    }

    /// <summary>
    /// Runs the handshake and waits for the confirmation over an already connected stream (which is disposed on
    /// failure). Returns the TLS stream; wrap it in a <see cref="FramePerWriteStream"/> before writing frames.
    /// </summary>
    public static Task<Stream> StartAsync(Stream transport, TlsClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return StartAsync(transport, options, TrustedCaCache.Load(options.Files.CaCertificate), ClientCertificateCache.ContextFor(options.Files), cancellationToken);
    }

    private static async Task<Stream> StartAsync(Stream transport, TlsClientOptions options, X509Certificate2Collection trusted, SslStreamCertificateContext? mine, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            var authentication = new SslClientAuthenticationOptions
            {
                TargetHost = options.ServerName,
                EnabledSslProtocols = TlsPriority.ToProtocols(options.Priority),
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = CaOnlyChainPolicy.For(trusted),
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    if (options.NoVerify)
                    {
                        return true;
                    }

                    if (certificate is null)
                    {
                        refusal = "the server sent no certificate";
                        return false;
                    }

                    X509Certificate2 server = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    // SslStream has just built the chain with our CA-only policy; only a failed chain is built again,
                    // to say which check failed.
                    refusal = chain is not null && (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0
                        ? ServerCertificateCheck.CheckChainedCertificate(server, options.ServerName, options.LenientExtendedKeyUsage)
                        : ServerCertificateCheck.Check(server, chain?.ChainPolicy.ExtraStore, trusted, options.ServerName, DateTime.Now, options.LenientExtendedKeyUsage);
                    return refusal is null;
                },
            };
            // Given as a context so .NET sends it as is; judging it is the server's business, as with libvirt.
            authentication.ClientCertificateContext = mine;

            try
            {
                await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationException e) when (refusal is not null)
            {
                throw new TlsNegotiationException($"TLS: refusing the server's certificate: {refusal}", e);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                throw new TlsNegotiationException($"TLS handshake with {options.ServerName} failed: {e.Message}", e);
            }

            await ReadConfirmationAsync(ssl, options, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task ReadConfirmationAsync(SslStream ssl, TlsClientOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConfirmationTimeout);
        byte[] one = new byte[1];
        int read;
        try
        {
            read = await ssl.ReadAsync(one, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TlsNegotiationException($"TLS: the server did not confirm the session within {options.ConfirmationTimeout.TotalSeconds} s");
        }
        catch (IOException e)
        {
            throw new TlsNegotiationException("TLS: " + RefusedMessage, e);
        }

        if (read == 0)
        {
            throw new TlsNegotiationException("TLS: " + RefusedMessage);
        }

        if (one[0] != Confirmation)
        {
            throw new TlsNegotiationException($"TLS: the server sent {one[0]} instead of the session confirmation byte {Confirmation}");
        }
    }
}
