using LibvirtRemote.Server.Config;
using LibvirtRemote.Transport.Config;
using Xunit;

namespace LibvirtRemote.Server.Tests;

public class ServerConfigTests
{
    [Fact]
    public void EmptyFileGivesLibvirtdDefaults()
    {
        ServerConfig c = ServerConfig.Parse("");
        Assert.False(c.ListenTcp);
        Assert.True(c.ListenTls);
        Assert.Equal("16509", c.TcpPort);
        Assert.Equal("16514", c.TlsPort);
        Assert.Null(c.ListenAddr);
        Assert.Equal("0777", c.UnixSockRoPerms);
        Assert.Equal("0700", c.UnixSockRwPerms);
        Assert.Equal("0700", c.UnixSockAdminPerms);
        Assert.Equal(ServerAuth.None, c.AuthUnixRw);
        Assert.Equal(ServerAuth.None, c.AuthUnixRo);
        Assert.Equal(ServerAuth.Sasl, c.AuthTcp);
        Assert.Equal(ServerAuth.None, c.AuthTls);
        Assert.Equal(56u, c.TcpMinSsf);
        Assert.Equal(5000u, c.MaxClients);
        Assert.Equal(1000u, c.MaxQueuedClients);
        Assert.Equal(20u, c.MaxAnonymousClients);
        Assert.Equal(5u, c.MaxClientRequests);
        Assert.Equal((5u, 20u, 5u), (c.MinWorkers, c.MaxWorkers, c.PrioWorkers));
        Assert.Equal(5, c.KeepaliveInterval);
        Assert.Equal(5u, c.KeepaliveCount);
        Assert.Equal((5u, 20u, 5000u, 20u, 5u), (c.AdminMinWorkers, c.AdminMaxWorkers, c.AdminMaxClients, c.AdminMaxQueuedClients, c.AdminMaxClientRequests));
        Assert.Null(c.TlsAllowedDnList);
        Assert.Null(c.SaslAllowedUsernameList);
        Assert.False(c.TlsNoVerifyCertificate);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, c.UnixSockRwMode);
        Assert.Equal(ServerConfig.CreateDefault(), c with { AccessDrivers = ServerConfig.CreateDefault().AccessDrivers });
    }

    [Fact]
    public void PrivilegedDefaultsUsePolkitAndAnOpenReadWriteSocket()
    {
        ServerConfig c = ServerConfig.Parse("", privileged: true);
        Assert.Equal(ServerAuth.Polkit, c.AuthUnixRw);
        Assert.Equal(ServerAuth.Polkit, c.AuthUnixRo);
        Assert.Equal("0777", c.UnixSockRwPerms);
        Assert.Equal("0700", ServerConfig.Parse("auth_unix_rw = \"none\"\nunix_sock_rw_perms = \"0700\"", privileged: true).UnixSockRwPerms);
    }

    [Fact]
    public void PolkitOnTheReadWriteSocketOpensItsDefaultModeUnlessSetExplicitly()
    {
        Assert.Equal("0777", ServerConfig.Parse("auth_unix_rw = \"polkit\"").UnixSockRwPerms);
        Assert.Equal("0770", ServerConfig.Parse("unix_sock_rw_perms = \"0770\"\nauth_unix_rw = \"polkit\"").UnixSockRwPerms);
    }

    [Fact]
    public void ReadsEveryIssueKey()
    {
        ServerConfig c = ServerConfig.Parse("""
            listen_tcp = 1
            listen_tls = 0
            tcp_port = "26509"
            tls_port = "26514"
            listen_addr = "127.0.0.1"
            unix_sock_dir = "/tmp/x"
            unix_sock_ro_perms = "0770"
            unix_sock_rw_perms = "0770"
            unix_sock_admin_perms = "0600"
            unix_sock_group = "libvirt"
            auth_unix_rw = "sasl"
            auth_unix_ro = "polkit"
            auth_tcp = "none"
            auth_tls = "sasl"
            key_file = "/k.pem"
            cert_file = "/c.pem"
            ca_file = "/ca.pem"
            crl_file = "/crl.pem"
            tls_no_verify_certificate = 1
            tls_allowed_dn_list = [ "C=GB,O=Example,CN=*", "CN=b" ]
            sasl_allowed_username_list = [ "joe@EXAMPLE.COM" ]
            tcp_min_ssf = 112
            max_clients = 10
            max_queued_clients = 11
            max_anonymous_clients = 12
            max_client_requests = 13
            min_workers = 1
            max_workers = 2
            prio_workers = 3
            keepalive_interval = -1
            keepalive_count = 0
            log_level = 2
            admin_max_clients = 7
            admin_keepalive_interval = 9
            access_drivers = [ "polkit" ]
            some_future_key = [ 1, 2, 3 ]
            listen_tcp = "ignored repeat"
            """);
        Assert.True(c.ListenTcp);
        Assert.False(c.ListenTls);
        Assert.Equal(("26509", "26514", "127.0.0.1", "/tmp/x"), (c.TcpPort, c.TlsPort, c.ListenAddr, c.UnixSockDir));
        Assert.Equal(("0770", "0770", "0600", "libvirt"), (c.UnixSockRoPerms, c.UnixSockRwPerms, c.UnixSockAdminPerms, c.UnixSockGroup));
        Assert.Equal((ServerAuth.Sasl, ServerAuth.Polkit, ServerAuth.None, ServerAuth.Sasl), (c.AuthUnixRw, c.AuthUnixRo, c.AuthTcp, c.AuthTls));
        Assert.Equal(("/k.pem", "/c.pem", "/ca.pem", "/crl.pem"), (c.KeyFile, c.CertFile, c.CaFile, c.CrlFile));
        Assert.True(c.TlsNoVerifyCertificate);
        Assert.Equal(["C=GB,O=Example,CN=*", "CN=b"], c.TlsAllowedDnList!);
        Assert.Equal(["joe@EXAMPLE.COM"], c.SaslAllowedUsernameList!);
        Assert.Equal(112u, c.TcpMinSsf);
        Assert.Equal((10u, 11u, 12u, 13u), (c.MaxClients, c.MaxQueuedClients, c.MaxAnonymousClients, c.MaxClientRequests));
        Assert.Equal((1u, 2u, 3u), (c.MinWorkers, c.MaxWorkers, c.PrioWorkers));
        Assert.Equal((-1, 0u, 2u), (c.KeepaliveInterval, c.KeepaliveCount, c.LogLevel));
        Assert.Equal((7u, 9), (c.AdminMaxClients, c.AdminKeepaliveInterval));
        Assert.Equal(["polkit"], c.AccessDrivers);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, c.UnixSockAdminMode);
    }

    [Theory]
    [InlineData("listen_tcp = \"yes\"", "listen_tcp", "expected a boolean (0 or 1)")]
    [InlineData("listen_tls = 2", "listen_tls", "value must be 0 or 1")]
    [InlineData("tcp_port = 16509", "tcp_port", "expected a string")]
    [InlineData("max_clients = \"5000\"", "max_clients", "expected an unsigned integer")]
    [InlineData("max_client_requests = -1", "max_client_requests", "expected an unsigned integer")]
    [InlineData("keepalive_interval = \"5\"", "keepalive_interval", "expected a signed integer")]
    [InlineData("auth_tcp = \"kerberos\"", "auth_tcp", "unsupported auth kerberos (expected none, sasl or polkit)")]
    [InlineData("auth_unix_ro = 1", "auth_unix_ro", "expected a string")]
    [InlineData("unix_sock_ro_perms = \"0789\"", "unix_sock_ro_perms", "'0789' is not an octal file mode (e.g. \"0770\")")]
    [InlineData("unix_sock_rw_perms = \"rw\"", "unix_sock_rw_perms", "'rw' is not an octal file mode (e.g. \"0770\")")]
    [InlineData("tls_allowed_dn_list = \"CN=a\"", "tls_allowed_dn_list", "expected a list of strings")]
    [InlineData("sasl_allowed_username_list = [ 1 ]", "sasl_allowed_username_list", "expected a list of strings")]
    [InlineData("tcp_min_ssf = 40", "tcp_min_ssf", "minimum SSF levels lower than 56 are not supported")]
    [InlineData("max_workers = 0", "max_workers", "must be greater than 0")]
    public void BadValuesNameTheLineAndKey(string line, string key, string problem)
    {
        ConfFileException e = Assert.Throws<ConfFileException>(
            () => ServerConfig.Parse($"# test\nlog_outputs = \"1:stderr\"\n\n{line}\n", "bad.conf"));
        Assert.Equal("bad.conf", e.SourceName);
        Assert.Equal(4, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Equal(problem, e.Problem);
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrorsSurfaceWithTheLine()
    {
        ConfFileException e = Assert.Throws<ConfFileException>(() => ServerConfig.Parse("listen_tcp = 1\nmax_clients 5", "x.conf"));
        Assert.Equal("x.conf:2: 'max_clients': expecting an assignment", e.Message);
    }

    [Fact]
    public async Task LoadAsyncReadsAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lvr-server-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(path, "max_clients = 3\n");
        try
        {
            ServerConfig c = await ServerConfig.LoadAsync(path).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(3u, c.MaxClients);
            Assert.Equal(3u, ServerConfig.Load(path).MaxClients);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
