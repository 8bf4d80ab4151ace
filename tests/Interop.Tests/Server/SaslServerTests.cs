using System.Net;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.TestHypervisor;
using LibvirtRemote.Transport.Sasl.Server;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// python3-libvirt (Cyrus SASL on the client side) and our client authenticate to our server with SASL: SCRAM over
/// a Unix socket, DIGEST-MD5 with its security layer over plain TCP; failures answer as libvirtd does.
/// </summary>
#pragma warning disable CA1001 // xunit disposes the server through IAsyncLifetime.DisposeAsync
public sealed class SaslServerTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Script = """
        import libvirt, sys
        uri, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
        def callback(credentials, data):
            for c in credentials:
                c[4] = user if c[0] == libvirt.VIR_CRED_AUTHNAME else password if c[0] == libvirt.VIR_CRED_PASSPHRASE else ""
            return 0
        libvirt.registerErrorHandler(lambda *_: None, None)
        try:
            c = libvirt.openAuth(uri, [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], callback, None], 0)
            print("OK", c.getHostname())
            c.close()
        except libvirt.libvirtError as e:
            print("ERR", e.get_error_code(), e.get_error_domain(), e.get_error_message())
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("lr-sasl-server-").FullName;
    private LibvirtServer? _server;
    private int _port;

    private string UnixUri => $"test+unix:///default?socket={Path.Combine(_dir, "sock")}";

    private string TcpUri => $"test+tcp://127.0.0.1:{_port}/default";

    public Task InitializeAsync()
    {
        var users = new SaslUserDatabase();
        users.AddUser("alice", "wonderland");
        users.AddUser("mallory", "also-valid");
        _server = new LibvirtServer(new TestBackend())
        {
            Sasl = new SaslServerOptions { Users = users, AllowedUserNames = ["al*"] },
        };
        _port = PrivateLibvirtd.FreeTcpPort();
        _server.ListenUnix(Path.Combine(_dir, "sock"), new ListenerOptions { Auth = ServerAuth.Sasl });
        _server.ListenTcp(new IPEndPoint(IPAddress.Loopback, _port), new ListenerOptions { Auth = ServerAuth.Sasl });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task PythonLogsInOverUnixAndOverTcpWithTheSecurityLayer()
    {
        foreach (string uri in new[] { UnixUri, TcpUri })
        {
            ExternalProcess.Result result = (await ExternalProcess.PythonAsync(Script, uri, "alice", "wonderland").Within()).EnsureSuccess("python");
            Assert.Equal($"OK {Environment.MachineName}", result.Stdout.Trim());
        }
    }

    [Fact]
    public async Task WrongPasswordUnknownUserAndUserNotAllowedFailLikeLibvirtd()
    {
        foreach ((string user, string password) in new[] { ("alice", "wrong"), ("nobody", "x"), ("mallory", "also-valid") })
        {
            foreach (string uri in new[] { UnixUri, TcpUri })
            {
                ExternalProcess.Result result = (await ExternalProcess.PythonAsync(Script, uri, user, password).Within()).EnsureSuccess("python");
                Assert.StartsWith("ERR 45 7 authentication failed", result.Stdout.Trim(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task OurClientUsesDigestMd5WithItsLayerOverTcpAndScramOverUnix()
    {
        var options = new LibvirtConnectionOptions { Credentials = new NetworkCredential("alice", "wonderland") };
        foreach (string uri in new[] { TcpUri, UnixUri })
        {
            await using LibvirtConnection client = await LibvirtConnection.OpenAsync(uri, options).Within();
            ConnectGetHostnameRet host = await client.Remote.ConnectGetHostnameAsync().AsTask().Within();
            Assert.Equal(Environment.MachineName, host.Hostname);
        }
    }

    [Fact]
    public async Task CallsBeforeAuthenticationAreRefused()
    {
        await using LibvirtRemote.Transport.Sockets.StreamDuplexPipe pipe = await LibvirtRemote.Transport.Sockets.StreamDuplexPipe.ConnectUnixAsync(Path.Combine(_dir, "sock")).Within();
        var raw = new RawSession(pipe);
        VirNetMessageError error = await raw.CallFailingAsync(Procedure.ConnectGetHostname, default(LibvirtRemote.Xdr.XdrVoid)).Within();
        Assert.Equal((39, 7, "authentication required"), (error.Code, error.Domain, error.Message));
    }
}
