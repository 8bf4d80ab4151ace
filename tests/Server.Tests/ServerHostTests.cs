using System.Diagnostics;
using System.Net;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.Tests.Support;
using LibvirtRemote.Transport.Config;
using LibvirtRemote.Transport.Sockets;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>A server started from libvirtd.conf text through <see cref="ServerHost"/>.</summary>
public sealed class ServerHostTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lr-host-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ConfigDecidesSocketsModesGroupTcpAuthAndLimits()
    {
        string sockets = Path.Combine(_dir, "run");
        ServerConfig config = ServerConfig.Parse($"""
            listen_tcp = 1
            listen_tls = 0
            listen_addr = "127.0.0.1"
            tcp_port = "0"
            auth_tcp = "none"
            auth_unix_ro = "polkit"
            unix_sock_dir = "{sockets}"
            unix_sock_rw_perms = "0770"
            unix_sock_ro_perms = "0775"
            unix_sock_group = "daemon"
            max_client_requests = 2
            keepalive_interval = -1
            log_level = 1
            """);
        var backend = new GateBackend();
        await using ServerHost host = await ServerHost.StartAsync(config, backend, Path.Combine(_dir, "unused")).WaitAsync(WireClient.Timeout);

        Assert.Equal(Path.Combine(sockets, "libvirt-sock"), host.UnixSocket);
        Assert.Equal(Path.Combine(sockets, "libvirt-sock-ro"), host.ReadOnlySocket);
        Assert.False(Directory.Exists(Path.Combine(_dir, "unused")));
        Assert.Equal((UnixFileMode)0x1F8, File.GetUnixFileMode(host.UnixSocket));
        Assert.Equal((UnixFileMode)0x1FD, File.GetUnixFileMode(host.ReadOnlySocket));
        Assert.Equal("daemon daemon", (await StatGroupAsync(host.UnixSocket)) + " " + (await StatGroupAsync(host.ReadOnlySocket)));
        Assert.Null(host.TlsEndPoint);
        Assert.NotNull(host.TcpEndPoint);
        Assert.Equal(IPAddress.Loopback, host.TcpEndPoint.Address);
        Assert.Equal(2, host.Server.Options.MaxClientRequests);
        Assert.Equal(TimeSpan.Zero, host.Server.Options.KeepaliveInterval);
        Assert.Equal(LogLevelName.Debug, host.Server.LogLevel);

        // TCP without authentication, and max_client_requests = 2: a third call is not read while two wait.
        await using var tcp = new WireClient(await StreamDuplexPipe.ConnectTcpAsync(host.TcpEndPoint).WaitAsync(WireClient.Timeout));
        Assert.Equal([AuthType.None], (await tcp.CallAsync(Procedure.AuthList)).Decode<AuthListRet>().Types);
        await tcp.OpenAsync();
        uint a = tcp.Send(Procedure.ConnectGetHostname);
        uint b = tcp.Send(Procedure.ConnectGetHostname);
        uint c = tcp.Send(Procedure.ConnectGetHostname);
        await tcp.FlushAsync();
        await backend.WaitEnteredAsync(2);
        Assert.True(await tcp.StaysQuietAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(2, backend.Entered);
        backend.Release(0, "a");
        await tcp.ReplyAsync(a);
        await backend.WaitEnteredAsync(3);
        backend.Release(1, "b");
        await tcp.ReplyAsync(b);
        backend.Release(2, "c");
        await tcp.ReplyAsync(c);

        // The read-only socket has polkit auth (root passes) and refuses writes.
        await using var ro = new WireClient(await StreamDuplexPipe.ConnectUnixAsync(host.ReadOnlySocket).WaitAsync(WireClient.Timeout));
        Assert.Equal([AuthType.None], (await ro.CallAsync(Procedure.AuthList)).Decode<AuthListRet>().Types);
        await ro.OpenAsync();
        ReceivedFrame destroy = await ro.CallAsync(Procedure.DomainDestroy, new DomainDestroyArgs { Dom = new NonnullDomain { Name = "test", Uuid = new byte[16], Id = 1 } });
        DispatchSemanticsTests.AssertError(destroy.Error(), ErrorCode.OperationDenied, ErrorDomain.Domain, "operation forbidden: read only access prevents virDomainDestroy");
    }

    [Fact]
    public void ConfigOptionsMapToServerOptions()
    {
        ServerOptions defaults = ServerHost.ToServerOptions(ServerConfig.Parse(""));
        Assert.Equal(new ServerOptions(), defaults);
        ServerOptions set = ServerHost.ToServerOptions(ServerConfig.Parse("""
            max_clients = 7
            max_queued_clients = 3
            max_anonymous_clients = 4
            max_client_requests = 9
            keepalive_interval = 11
            keepalive_count = 12
            """));
        Assert.Equal((7, 3, 4, 9, TimeSpan.FromSeconds(11), 12), (set.MaxClients, set.MaxQueuedClients, set.MaxAnonymousClients, set.MaxClientRequests, set.KeepaliveInterval, set.KeepaliveCount));
        Assert.Equal(LogLevelName.Error, ServerHost.ToLogLevel(ServerConfig.Parse("log_level = 4")));
        Assert.Equal(LogLevelName.Warning, ServerHost.ToLogLevel(ServerConfig.Parse("")));
    }

    [Theory]
    [InlineData("listen_tcp = 1\nmax_client_requests = \"two\"\n", 2, "max_client_requests")]
    [InlineData("auth_tcp = \"kerberos\"\n", 1, "auth_tcp")]
    [InlineData("\n\nunix_sock_rw_perms = \"rw\"\n", 3, "unix_sock_rw_perms")]
    [InlineData("listen_tls = \"yes\"\n", 1, "listen_tls")]
    public void BadFileIsRejectedWithLineAndKey(string text, int line, string key)
    {
        ConfFileException e = Assert.Throws<ConfFileException>(() => ServerConfig.Parse(text, "bad.conf"));
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains($"bad.conf:{line}", e.Message, StringComparison.Ordinal);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsWeDoNotImplementFailTheStart()
    {
        ServerConfig crl = ServerConfig.Parse($"listen_tls = 1\nunix_sock_dir = \"{_dir}\"\ncrl_file = \"/x.pem\"");
        await Assert.ThrowsAsync<NotSupportedException>(() => ServerHost.StartAsync(crl, new GateBackend(), _dir).WaitAsync(WireClient.Timeout));
        ServerConfig port = ServerConfig.Parse($"listen_tcp = 1\nlisten_tls = 0\nunix_sock_dir = \"{_dir}\"\ntcp_port = \"libvirt-tcp\"");
        await Assert.ThrowsAsync<NotSupportedException>(() => ServerHost.StartAsync(port, new GateBackend(), _dir).WaitAsync(WireClient.Timeout));
        ServerConfig missing = ServerConfig.Parse($"listen_tls = 1\nunix_sock_dir = \"{_dir}\"\ncert_file = \"{_dir}/none.pem\"\nkey_file = \"{_dir}/none.key\"\nca_file = \"{_dir}/ca.pem\"");
        await Assert.ThrowsAnyAsync<IOException>(() => ServerHost.StartAsync(missing, new GateBackend(), _dir).WaitAsync(WireClient.Timeout));
        Assert.False(File.Exists(Path.Combine(_dir, "libvirt-sock")));
    }

    private static async Task<string> StatGroupAsync(string path)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true, ArgumentList = { "-c", "%G", path } };
        using Process process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(WireClient.Timeout);
        await process.WaitForExitAsync().WaitAsync(WireClient.Timeout);
        return output.Trim();
    }
}
