using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// The libssh and libssh2 transports through a private OpenSSH sshd to a private libvirtd 9.0.0: python3-libvirt
/// (whose libvirt links both libraries) and our client (OpenSSH in their place) open the same URIs and must agree,
/// including on which host keys they accept.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LibsshTransportTests(LibsshTransportTests.Far far) : IClassFixture<LibsshTransportTests.Far>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The far side every test of the class reaches: sshd in front of libvirtd. No test changes either.</summary>
    public sealed class Far : IAsyncLifetime
    {
        public PrivateLibvirtd Daemon { get; private set; } = null!;

        public PrivateSshd Sshd { get; private set; } = null!;

        async Task IAsyncLifetime.InitializeAsync()
        {
            Daemon = await PrivateLibvirtd.StartAsync();
            Sshd = await PrivateSshd.StartAsync();
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await Sshd.DisposeAsync();
            await Daemon.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("libssh")]
    [InlineData("libssh2")]
    public async Task AKnownHostGivesWhatPythonLibvirtGets(string transport)
    {
        string uri = Uri(transport, far.Sshd.KnownHosts);
        string python = await PythonAsync(uri);
        Assert.StartsWith("OK 9000000 test", python, StringComparison.Ordinal);
        Assert.Equal(python, await OursAsync(uri));
    }

    [Theory]
    [InlineData("libssh")]
    [InlineData("libssh2")]
    public async Task AnUnknownHostIsRefusedUnlessVerificationIsOff(string transport)
    {
        string empty = Path.Combine(far.Sshd.Directory, $"empty_known_hosts_{transport}");
        await File.WriteAllTextAsync(empty, string.Empty);

        string refused = Uri(transport, empty);
        Assert.StartsWith("FAILED", await PythonAsync(refused), StringComparison.Ordinal);
        Assert.StartsWith("FAILED", await OursAsync(refused), StringComparison.Ordinal);

        string ignored = Uri(transport, empty) + "&known_hosts_verify=ignore";
        string python = await PythonAsync(ignored);
        Assert.StartsWith("OK 9000000 test", python, StringComparison.Ordinal);
        Assert.Equal(python, await OursAsync(ignored));
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(empty));
    }

    [Fact]
    public async Task AutoVerificationAcceptsAndRecordsANewHostKey()
    {
        string file = Path.Combine(far.Sshd.Directory, "auto_known_hosts");
        await File.WriteAllTextAsync(file, string.Empty);
        string uri = Uri("libssh", file) + "&known_hosts_verify=auto";
        Assert.StartsWith("OK 9000000 test", await OursAsync(uri), StringComparison.Ordinal);
        string hostKey = (await File.ReadAllTextAsync(far.Sshd.KnownHosts)).Split(' ')[2].Trim();
        Assert.Contains(hostKey, await File.ReadAllTextAsync(file), StringComparison.Ordinal);

        // The key now on file is the one checked from here on, by libvirt's client too.
        Assert.StartsWith("OK 9000000 test", await PythonAsync(Uri("libssh", file)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownVerificationMethodIsRefusedWithLibvirtsMessage()
    {
        string uri = Uri("libssh2", far.Sshd.KnownHosts) + "&known_hosts_verify=sometimes";
        Assert.Contains("Invalid host key verification method: 'sometimes'", await PythonAsync(uri), StringComparison.Ordinal);
        Assert.Contains("Invalid host key verification method: 'sometimes'", await OursAsync(uri), StringComparison.Ordinal);
    }

    private string Uri(string transport, string knownHosts) =>
        $"test+{transport}://{PrivateSshd.User}@127.0.0.1:{far.Sshd.Port}/default?socket={far.Daemon.SocketPath}&keyfile={far.Sshd.ClientKey}&known_hosts={knownHosts}";

    private static async Task<string> OursAsync(string uri)
    {
        try
        {
            await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout);
            ulong version = await connection.GetLibVersionAsync().WaitAsync(Timeout);
            IReadOnlyList<Domain> domains = await connection.ListAllDomainsAsync().WaitAsync(Timeout);
            return $"OK {version} {string.Join(',', domains.Select(d => d.Name).Order(StringComparer.Ordinal))}";
        }
        catch (Exception e) when (e is LibvirtClientException or ArgumentException)
        {
            return "FAILED " + e.Message;
        }
    }

    private static async Task<string> PythonAsync(string uri)
    {
        const string Script = """
            import sys, libvirt
            libvirt.registerErrorHandler(lambda *a: None, None)
            try:
                conn = libvirt.open(sys.argv[1])
            except libvirt.libvirtError as e:
                print('FAILED', e)
                sys.exit(0)
            print('OK', conn.getLibVersion(), ','.join(sorted(d.name() for d in conn.listAllDomains())))
            conn.close()
            """;
        ExternalProcess.Result result = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", Script, uri], timeout: Timeout);
        return result.Stdout.Trim();
    }
}
