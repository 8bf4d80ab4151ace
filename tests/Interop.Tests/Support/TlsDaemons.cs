using System.Net;
using System.Net.Sockets;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// Test PKI plus two private libvirtd with TLS: <see cref="Main"/> accepts client DNs "O=LibvirtRemote,CN=client*",
/// <see cref="OtherDnOnly"/> only "O=Other,CN=*".
/// </summary>
public sealed class TlsDaemons : IAsyncLifetime
{
    public TestPki Pki { get; } = new();

    public PrivateLibvirtd Main { get; private set; } = null!;

    public int MainTlsPort { get; private set; }

    public PrivateLibvirtd OtherDnOnly { get; private set; } = null!;

    public int OtherDnOnlyTlsPort { get; private set; }

    public async Task InitializeAsync()
    {
        (Main, MainTlsPort) = await StartAsync("""["O=LibvirtRemote,CN=client*"]""");
        (OtherDnOnly, OtherDnOnlyTlsPort) = await StartAsync("""["O=Other,CN=*"]""");
    }

    public async Task DisposeAsync()
    {
        if (Main is not null)
        {
            await Main.DisposeAsync();
        }

        if (OtherDnOnly is not null)
        {
            await OtherDnOnly.DisposeAsync();
        }

        Pki.Dispose();
    }

    private async Task<(PrivateLibvirtd, int)> StartAsync(string allowedDns)
    {
        int port = PrivateLibvirtd.FreeTcpPort();
        PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync(
            $"""
            tls_port = "{port}"
            key_file = "{Pki.ServerKeyFile}"
            cert_file = "{Pki.ServerCertFile}"
            ca_file = "{Pki.CaFile}"
            auth_tls = "none"
            tls_allowed_dn_list = {allowedDns}
            """,
            listenTls: true);
        await daemon.WaitForTcpPortAsync(port);
        return (daemon, port);
    }
}
