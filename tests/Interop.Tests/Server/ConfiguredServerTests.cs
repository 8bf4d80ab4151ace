using System.Net;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.TestHypervisor;
using LibvirtRemote.Transport.Config;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Our server started from a libvirtd.conf file through <see cref="ServerHost"/>, reached by virsh, python3-libvirt
/// and our own client over TCP and TLS (with libvirtd's client certificate checks).
/// </summary>
public sealed class ConfiguredServerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lr-conf-").FullName;
    private readonly TestPki _pki = new();

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TcpServerFromAConfigFileServesVirsh()
    {
        int port = PrivateLibvirtd.FreeTcpPort();
        await using ServerHost host = await StartAsync($"""
            # written like an administrator's libvirtd.conf
            listen_tcp = 1
            listen_tls = 0
            listen_addr = "127.0.0.1"
            tcp_port = "{port}"
            auth_tcp = "none"
            unix_sock_dir = "{_dir}/run"
            max_client_requests = 2
            keepalive_interval = 2
            """);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), host.TcpEndPoint);
        Assert.Equal(2, host.Server.Options.MaxClientRequests);
        foreach (string uri in new[] { $"test+tcp://127.0.0.1:{port}/default", $"test+unix:///default?socket={_dir}/run/libvirt-sock", $"test+unix:///default?socket={_dir}/run/libvirt-sock-ro" })
        {
            ExternalProcess.Result hostname = (await ExternalProcess.VirshAsync(uri, "hostname").Within()).EnsureSuccess($"virsh -c {uri} hostname");
            Assert.Equal(Environment.MachineName, hostname.Stdout.Trim());
        }
    }

    [Fact]
    public async Task BadConfigFileIsRejectedWithLineAndKey()
    {
        string path = Path.Combine(_dir, "libvirtd.conf");
        await File.WriteAllTextAsync(path, "listen_tcp = 1\n\nmax_client_requests = \"lots\"\n");
        ConfFileException e = await Assert.ThrowsAsync<ConfFileException>(() => ServerConfig.LoadAsync(path).WaitAsync(TestTimeouts.Default));
        Assert.Equal(3, e.Line);
        Assert.Equal("max_client_requests", e.Key);
        Assert.StartsWith($"{path}:3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsWithClientCertificateChecksAsLibvirtd()
    {
        int port = PrivateLibvirtd.FreeTcpPort();
        await using ServerHost host = await StartAsync(TlsConfig(port, """["O=LibvirtRemote,CN=client*"]"""));
        string uri = $"test+tls://127.0.0.1:{port}/default?pkipath=";

        ExternalProcess.Result good = (await ExternalProcess.VirshAsync(uri + _pki.GoodDir, "hostname").Within()).EnsureSuccess("virsh over TLS");
        Assert.Equal(Environment.MachineName, good.Stdout.Trim());

        // Our own client too.
        await using (LibvirtConnection ours = await LibvirtConnection.OpenAsync(uri + _pki.GoodDir).Within())
        {
            Assert.Equal(Environment.MachineName, await ours.GetHostnameAsync().Within());
        }

        // Certificates the server must refuse. virsh checks its own certificate before connecting, so a plain
        // OpenSSL client presents them: the server answers the good one with the 0x01 byte and closes on the others
        // without it, as libvirtd does.
        const string Script = """
            import socket, ssl, sys
            ca, port = sys.argv[1], int(sys.argv[2])
            for d in sys.argv[3:]:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.load_verify_locations(ca)
                ctx.check_hostname = False
                ctx.load_cert_chain(d + '/clientcert.pem', d + '/clientkey.pem')
                s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout=20), server_hostname='127.0.0.1')
                try:
                    b = s.recv(1)
                except (ssl.SSLError, OSError):
                    b = b''
                print(b.hex() or 'closed')
                s.close()
            """;
        ExternalProcess.Result checks = (await ExternalProcess.PythonAsync(
            Script, _pki.CaFile, port.ToString(System.Globalization.CultureInfo.InvariantCulture), _pki.GoodDir, _pki.ClientFromOtherCaDir, _pki.WrongUsageDir, ExpiredClientDir(), _pki.GoodPkcs1Dir).Within()).EnsureSuccess("python TLS client");
        Assert.Equal(["01", "closed", "closed", "closed", "01"], checks.Stdout.Trim().Split('\n'));

        // Without a client certificate there is no way in either, whoever notices first.
        Assert.NotEqual(0, (await ExternalProcess.VirshAsync(uri + _pki.NoClientCertDir, "hostname").Within()).ExitCode);
        Assert.Equal(Environment.MachineName, (await ExternalProcess.VirshAsync(uri + _pki.GoodDir, "hostname").Within()).EnsureSuccess("virsh after refusals").Stdout.Trim());
    }

    [Fact]
    public async Task TlsAllowedDnListRefusesOtherSubjects()
    {
        int port = PrivateLibvirtd.FreeTcpPort();
        await using ServerHost host = await StartAsync(TlsConfig(port, """["O=Other,CN=*"]"""));
        ExternalProcess.Result result = await ExternalProcess.VirshAsync($"test+tls://127.0.0.1:{port}/default?pkipath={_pki.GoodDir}", "hostname").Within();
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Unable to read TLS confirmation", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsNoVerifyCertificateSkipsTheDnList()
    {
        int port = PrivateLibvirtd.FreeTcpPort();
        await using ServerHost host = await StartAsync(TlsConfig(port, """["O=Other,CN=*"]""") + "tls_no_verify_certificate = 1\n");
        ExternalProcess.Result result = (await ExternalProcess.VirshAsync($"test+tls://127.0.0.1:{port}/default?pkipath={_pki.GoodDir}", "hostname").Within()).EnsureSuccess("virsh with an unverified client");
        Assert.Equal(Environment.MachineName, result.Stdout.Trim());
    }

    private string TlsConfig(int port, string allowedDns) => $"""
        listen_tcp = 0
        listen_tls = 1
        listen_addr = "127.0.0.1"
        tls_port = "{port}"
        auth_tls = "none"
        key_file = "{_pki.ServerKeyFile}"
        cert_file = "{_pki.ServerCertFile}"
        ca_file = "{_pki.CaFile}"
        tls_allowed_dn_list = {allowedDns}
        unix_sock_dir = "{_dir}/run-{port}"

        """;

    private string ExpiredClientDir()
    {
        string dir = Path.Combine(_pki.Root, "expired-client");
        Directory.CreateDirectory(dir);
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var builder = new System.Security.Cryptography.X509Certificates.X500DistinguishedNameBuilder();
        builder.AddCommonName("client1");
        builder.AddOrganizationName("LibvirtRemote");
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(builder.Build(), key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] serial = System.Security.Cryptography.RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using System.Security.Cryptography.X509Certificates.X509Certificate2 expired = request.Create(
            _pki.Ca.SubjectName,
            System.Security.Cryptography.X509Certificates.X509SignatureGenerator.CreateForRSA(_pki.CaKey, System.Security.Cryptography.RSASignaturePadding.Pkcs1),
            now.AddDays(-30),
            now.AddDays(-1),
            serial);
        File.Copy(_pki.CaFile, Path.Combine(dir, "cacert.pem"), overwrite: true);
        File.WriteAllText(Path.Combine(dir, "clientcert.pem"), expired.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(dir, "clientkey.pem"), key.ExportPkcs8PrivateKeyPem());
        return dir;
    }

    private async Task<ServerHost> StartAsync(string configText)
    {
        string path = Path.Combine(_dir, $"libvirtd-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(path, configText);
        ServerConfig config = await ServerConfig.LoadAsync(path).WaitAsync(TestTimeouts.Default);
        return await ServerHost.StartAsync(config, new TestBackend(), Path.Combine(_dir, "default-run")).WaitAsync(TestTimeouts.Default);
    }
}
