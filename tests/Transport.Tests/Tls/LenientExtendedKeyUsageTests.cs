using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LibvirtRemote.Transport.Tls;
using Xunit;

namespace LibvirtRemote.Transport.Tests.Tls;

/// <summary>
/// A server certificate whose extended key usage is for the other side (clientAuth only): refused by default,
/// accepted with the lenient switch when the extension is not critical (libvirt only warns), refused when critical.
/// </summary>
public sealed class LenientExtendedKeyUsageTests : IDisposable
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private readonly string _directory = Directory.CreateTempSubdirectory("lvr-eku-").FullName;
    private readonly RSA _caKey = RSA.Create(2048);
    private readonly X509Certificate2 _ca;

    public LenientExtendedKeyUsageTests()
    {
        var request = new CertificateRequest("CN=EKU test CA", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(_directory, "cacert.pem"), _ca.ExportCertificatePem());
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(ClientAuth, false, false, "lacks serverAuth; libvirt only warns")]
    [InlineData(ClientAuth, false, true, null)]
    [InlineData(ClientAuth, true, false, "critical extended key usage lacks serverAuth")]
    [InlineData(ClientAuth, true, true, "critical extended key usage lacks serverAuth")]
    [InlineData(ServerAuth, true, false, null)]
    [InlineData(null, false, false, null)]
    public void CheckAppliesTheSwitch(string? usage, bool critical, bool lenient, string? refusal)
    {
        using X509Certificate2 server = Issue(usage, critical);
        string? result = ServerCertificateCheck.Check(server, null, [_ca], "127.0.0.1", DateTime.Now, lenient);
        if (refusal is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(refusal, result, StringComparison.Ordinal);
        }

        if (!lenient)
        {
            Assert.Equal(result, ServerCertificateCheck.Check(server, null, [_ca], "127.0.0.1", DateTime.Now));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HandshakeFollowsTheSwitch(bool lenient)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using X509Certificate2 server = Issue(ClientAuth, critical: false);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task serve = Task.Run(async () =>
        {
            using TcpClient accepted = await listener.AcceptTcpClientAsync(timeout.Token);
            await using var ssl = new SslStream(accepted.GetStream());
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = server }, timeout.Token);
                await ssl.WriteAsync(new byte[] { 1 }, timeout.Token);
                await ssl.FlushAsync(timeout.Token);
                _ = await ssl.ReadAsync(new byte[1], timeout.Token);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
                // The client refused the certificate.
            }
        });

        var options = new TlsClientOptions
        {
            ServerName = "127.0.0.1",
            Files = new TlsPkiFiles(Path.Combine(_directory, "cacert.pem"), Path.Combine(_directory, "none.pem"), Path.Combine(_directory, "none-key.pem")),
            LenientExtendedKeyUsage = lenient,
        };
        if (lenient)
        {
            await using StreamDuplexPipeHolder pipe = new(await TlsClient.ConnectAsync(listener.LocalEndpoint, options, timeout.Token));
        }
        else
        {
            TlsNegotiationException error = await Assert.ThrowsAsync<TlsNegotiationException>(() => TlsClient.ConnectAsync(listener.LocalEndpoint, options, timeout.Token));
            Assert.Contains("lacks serverAuth", error.Message, StringComparison.Ordinal);
        }

        await serve.WaitAsync(timeout.Token);
    }

    private X509Certificate2 Issue(string? usage, bool critical)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        if (usage is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical));
        }

        using X509Certificate2 issued = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);

        // Through PKCS#12 so that SslStream on Linux can use the ephemeral key.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private sealed class StreamDuplexPipeHolder(Sockets.StreamDuplexPipe pipe) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => pipe.DisposeAsync();
    }
}
