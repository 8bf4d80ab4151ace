using LibvirtRemote.Protocol;
using System.Net;
using System.Net.Sockets;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>SASL inside TLS: libvirtd with <c>auth_tls = "sasl"</c> and a private Cyrus SASL database.</summary>
#pragma warning disable CA1001 // The PKI is disposed in DisposeAsync, xunit's cleanup for IAsyncLifetime.
public sealed class TlsSaslTests : IAsyncLifetime
{
    private const string User = "bob";
    private const string Password = "tls and sasl";
    private readonly TestPki _pki = new();
    private string _saslDirectory = null!;
    private PrivateLibvirtd _daemon = null!;
    private int _tlsPort;

    public async Task InitializeAsync()
    {
        _saslDirectory = Directory.CreateTempSubdirectory("lvr-tls-sasl-").FullName;
        string db = Path.Combine(_saslDirectory, "sasldb2");
        await File.WriteAllTextAsync(Path.Combine(_saslDirectory, "libvirt.conf"), $"""
            mech_list: scram-sha-256 plain
            sasldb_path: {db}

            """).Within();
        await SaslTests.RunAsync("/usr/sbin/saslpasswd2", ["-f", db, "-a", "libvirt", "-p", User], Password).Within();
        _tlsPort = PrivateLibvirtd.FreeTcpPort();
        _daemon = await PrivateLibvirtd.StartAsync(
            $"""
            tls_port = "{_tlsPort}"
            key_file = "{_pki.ServerKeyFile}"
            cert_file = "{_pki.ServerCertFile}"
            ca_file = "{_pki.CaFile}"
            auth_tls = "sasl"
            """,
            environment: new Dictionary<string, string> { ["SASL_CONF_PATH"] = _saslDirectory },
            listenTls: true).Within();
        await _daemon.WaitForTcpPortAsync(_tlsPort).Within();
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        Directory.Delete(_saslDirectory, recursive: true);
        _pki.Dispose();
    }

    [Theory]
    [InlineData("sasl.SCRAM-SHA-256")]
    [InlineData("sasl.PLAIN")]
    public async Task LogsInOverTlsLikePython(string auth)
    {
        string uri = $"test+tls://127.0.0.1:{_tlsPort}/default?pkipath={_pki.GoodDir}&auth={auth}";
        var options = new LibvirtConnectionOptions { Credentials = new NetworkCredential(User, Password) };
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri, options).Within();
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());
        string names = string.Join(',', (await connection.ListAllDomainsAsync().Within()).Select(d => d.Name));
        Assert.Equal("test", names);
        string ours = $"OK {await connection.GetHostnameAsync().Within()} {names}";
        Assert.Equal(await TcpDigestMd5Tests.PythonAsync(uri, User, Password).Within(), ours);
    }

    [Fact]
    public async Task WrongPasswordOverTlsIsAnAuthError()
    {
        string uri = $"test+tls://127.0.0.1:{_tlsPort}/default?pkipath={_pki.GoodDir}&auth=sasl.SCRAM-SHA-256";
        var options = new LibvirtConnectionOptions { Credentials = new NetworkCredential(User, "wrong") };
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => LibvirtConnection.OpenAsync(uri, options)).Within();
        Assert.Equal(ErrorCode.AuthFailed, error.Code);
        Assert.Equal(
            await TcpDigestMd5Tests.PythonAsync(uri, User, "wrong").Within(),
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ERR {(int)error.Code} {(int)error.Domain} {error.Message}"));
    }
}
