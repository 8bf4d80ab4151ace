using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using LibvirtRemote.Server.Tls;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Transport.Tls;

namespace LibvirtRemote.Server.Listeners;

/// <summary>
/// The server half of libvirt's TLS: handshake, client certificate checks, then the single confirmation byte the
/// client waits for. A refused client is closed without that byte, as libvirtd does.
/// </summary>
internal static class TlsHandshake
{
    // Building a certificate context builds the server's chain; once per certificate, not per handshake.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509Certificate2, SslStreamCertificateContext> Contexts = [];

    public static async Task ServeAsync(LibvirtServer server, TlsServerOptions tls, Socket accepted, ListenerOptions listener, CancellationToken cancellationToken)
    {
        var remote = accepted.RemoteEndPoint;
        var ssl = new SslStream(new NetworkStream(accepted, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(tls.HandshakeTimeout);
                // libvirtd finishes the handshake and only then refuses a certificate, closing without its
                // confirmation byte. The callback therefore accepts and only records the verdict, reached while
                // SslStream's chain (built with our CA-only policy) is still alive.
                string? refusal = null;
                bool judged = false;
                X509Certificate2? certificate = null;
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = ContextFor(tls.ServerCertificate),
                        CertificateChainPolicy = CaOnlyChainPolicy.For(tls.CaCertificates),
                        EnabledSslProtocols = tls.EnabledProtocols,
                        ClientCertificateRequired = tls.VerifyClientCertificate,
#pragma warning disable CA5359
                        RemoteCertificateValidationCallback = (_, presented, chain, errors) =>
                        {
                            if (tls.VerifyClientCertificate)
                            {
                                certificate = presented is null ? null : new X509Certificate2(presented);
                                bool chainVerified = chain is not null && (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
                                refusal = ClientCertificateCheck.Check(certificate, chain, tls, DateTime.UtcNow, chainVerified);
                                judged = true;
                            }

                            return true;
                        },
#pragma warning restore CA5359
                    },
                    timeout.Token).ConfigureAwait(false);

                // The copy judged in the callback when there was one: the certificate is parsed once per client.
                certificate ??= ssl.RemoteCertificate is null ? null : new X509Certificate2(ssl.RemoteCertificate);
                if (tls.VerifyClientCertificate)
                {
                    if (!judged)
                    {
                        refusal = ClientCertificateCheck.Check(certificate, presented: null, tls, DateTime.UtcNow, chainVerified: false);
                    }

                    if (refusal is not null)
                    {
                        server.Log(LogLevelName.Warning, $"TLS client {remote} refused: {refusal}");
                        await ssl.DisposeAsync().ConfigureAwait(false);
                        return;
                    }
                }

                await ssl.WriteAsync(new byte[] { 1 }, timeout.Token).ConfigureAwait(false);
                await ssl.FlushAsync(timeout.Token).ConfigureAwait(false);

                var context = new ClientContext(ServerTransport.Tls, listener.ReadOnly)
                {
                    RemoteEndPoint = remote,
                    ClientCertificate = certificate,
                    TlsSubject = certificate is null ? null : ClientCertificateCheck.SubjectInEncodingOrder(certificate.SubjectName),
                };

                // libvirt's clients, like libvirtd, read one frame per TLS record; never let two share one.
                var pipe = new StreamDuplexPipe(new FramePerWriteStream(ssl));
                ssl = null!;
                await server.ServeAsync(pipe, context, listener, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or SocketException)
        {
            server.Log(LogLevelName.Info, $"TLS client {remote}: {e.Message}");
            if (ssl is not null)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static SslStreamCertificateContext ContextFor(X509Certificate2 certificate)
        => Contexts.GetValue(certificate, static c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true));
}
