using LibvirtRemote.Client;
using LibvirtRemote.Client.Auth;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// The libssh and libssh2 transports' questions (unknown host key, key passphrase) through a private sshd to a private
/// libvirtd 9.0.0: python3-libvirt with an authentication callback and our client with
/// <see cref="LibvirtConnectionOptions.SshPromptCallback"/> get the same answers and must print the same transcript:
/// each question's credential type and prompt, then the outcome (error text included).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LibsshPromptTests(LibsshPromptTests.Far far) : IClassFixture<LibsshPromptTests.Far>
{
    private const string Passphrase = "open sesame";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>sshd in front of libvirtd, which also accepts a second client key that has a passphrase.</summary>
    public sealed class Far : IAsyncLifetime
    {
        public PrivateLibvirtd Daemon { get; private set; } = null!;

        public PrivateSshd Sshd { get; private set; } = null!;

        public string LockedKey => Path.Combine(Sshd.Directory, "locked_key");

        async Task IAsyncLifetime.InitializeAsync()
        {
            Daemon = await PrivateLibvirtd.StartAsync();
            Sshd = await PrivateSshd.StartAsync();
            ExternalProcess.Result keygen = await ExternalProcess.RunAsync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", Passphrase, "-f", LockedKey], timeout: Timeout);
            Assert.Equal(0, keygen.ExitCode);
            await File.AppendAllTextAsync(Path.Combine(Sshd.Directory, "authorized_keys"), await File.ReadAllTextAsync(LockedKey + ".pub"));
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
    public async Task AnUnknownHostKeyAcceptedThroughTheCallbackConnectsAndIsRecorded(string transport)
    {
        string pythonFile = await EmptyKnownHostsAsync($"yes_python_{transport}");
        string ourFile = await EmptyKnownHostsAsync($"yes_ours_{transport}");
        string python = await PythonAsync(Uri(transport, pythonFile, far.Sshd.ClientKey), "y");
        Assert.Contains("OK 9000000 test", python, StringComparison.Ordinal);
        Assert.Equal(python, await OursAsync(Uri(transport, ourFile, far.Sshd.ClientKey), "Y"));

        string hostKey = (await File.ReadAllTextAsync(far.Sshd.KnownHosts)).Split(' ')[2].Trim();
        Assert.Contains(hostKey, await File.ReadAllTextAsync(pythonFile), StringComparison.Ordinal);
        Assert.Contains(hostKey, await File.ReadAllTextAsync(ourFile), StringComparison.Ordinal);

        // Now on file, the key is not asked about again.
        Assert.Equal(await PythonAsync(Uri(transport, ourFile, far.Sshd.ClientKey)), await OursAsync(Uri(transport, ourFile, far.Sshd.ClientKey)));
    }

    [Theory]
    [InlineData("libssh", LibvirtRemote.Protocol.ErrorCode.Libssh, LibvirtRemote.Protocol.ErrorDomain.Libssh)]
    [InlineData("libssh2", LibvirtRemote.Protocol.ErrorCode.Ssh, LibvirtRemote.Protocol.ErrorDomain.Ssh)]
    public async Task AnUnknownHostKeyRefusedThroughTheCallbackFailsWithLibvirtsError(string transport, LibvirtRemote.Protocol.ErrorCode code, LibvirtRemote.Protocol.ErrorDomain domain)
    {
        string file = await EmptyKnownHostsAsync($"no_{transport}");
        string uri = Uri(transport, file, far.Sshd.ClientKey);
        string python = await PythonAsync(uri, "n");
        Assert.Contains("was not accepted", python, StringComparison.Ordinal);
        string[] bridgesBefore = AskpassDirectories();
        Assert.Equal(python, await OursAsync(uri, "n"));
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(file));
        Assert.Empty(AskpassDirectories().Except(bridgesBefore));

        LibvirtException refused = await Assert.ThrowsAsync<LibvirtException>(() => OpenAsync(uri, "no"));
        Assert.Equal((code, domain), (refused.Code, refused.Domain));
    }

    [Theory]
    [InlineData("libssh")]
    [InlineData("libssh2")]
    public async Task AKeyPassphraseIsAskedThroughTheCallback(string transport)
    {
        string uri = Uri(transport, far.Sshd.KnownHosts, far.LockedKey) + "&sshauth=privkey";
        string python = await PythonAsync(uri, Passphrase);
        Assert.Contains("OK 9000000 test", python, StringComparison.Ordinal);
        Assert.Equal(python, await OursAsync(uri, Passphrase));
    }

    [Theory]
    [InlineData("libssh")]
    [InlineData("libssh2")]
    public async Task AWrongKeyPassphraseFailsWithLibvirtsError(string transport)
    {
        string uri = Uri(transport, far.Sshd.KnownHosts, far.LockedKey) + "&sshauth=privkey";
        string python = await PythonAsync(uri, "not it", "not it either");
        Assert.Contains("FAILED authentication failed:", python, StringComparison.Ordinal);
        Assert.Equal(python, await OursAsync(uri, "not it", "not it either"));
    }

    [Fact]
    public async Task WithoutACallbackAnUnknownHostIsStillRefusedWithoutAsking()
    {
        string file = await EmptyKnownHostsAsync("no_callback");
        await Assert.ThrowsAnyAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(Uri("libssh", file, far.Sshd.ClientKey)).WaitAsync(Timeout));
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(file));
    }

    // The private directories of askpass bridges; a failed connection must not leave its own behind.
    private static string[] AskpassDirectories() => Directory.GetDirectories(Path.GetTempPath(), "libvirt-askpass-*");

    private async Task<string> EmptyKnownHostsAsync(string name)
    {
        string path = Path.Combine(far.Sshd.Directory, "known_hosts_" + name);
        await File.WriteAllTextAsync(path, string.Empty);
        return path;
    }

    private string Uri(string transport, string knownHosts, string key) =>
        $"test+{transport}://{PrivateSshd.User}@127.0.0.1:{far.Sshd.Port}/default?socket={far.Daemon.SocketPath}&keyfile={key}&known_hosts={knownHosts}";

    // Opens with a callback that gives the answers in order (null once they run out) and writes down each question.
    private static async Task<LibvirtConnection> OpenAsync(string uri, List<string> transcript, params string[] answers)
    {
        var queue = new Queue<string>(answers);
        var options = new LibvirtConnectionOptions
        {
            SshPromptCallback = (request, _) =>
            {
                lock (transcript)
                {
                    transcript.Add($"ASK {(int)request.Type} {request.Prompt}");
                    return ValueTask.FromResult(queue.TryDequeue(out string? answer) ? answer : null);
                }
            },
        };
        return await LibvirtConnection.OpenAsync(uri, options).WaitAsync(Timeout);
    }

    private static Task<LibvirtConnection> OpenAsync(string uri, params string[] answers) => OpenAsync(uri, new List<string>(), answers);

    private static async Task<string> OursAsync(string uri, params string[] answers)
    {
        var transcript = new List<string>();
        try
        {
            await using LibvirtConnection connection = await OpenAsync(uri, transcript, answers);
            ulong version = await connection.GetLibVersionAsync().WaitAsync(Timeout);
            IReadOnlyList<Domain> domains = await connection.ListAllDomainsAsync().WaitAsync(Timeout);
            transcript.Add($"OK {version} {string.Join(',', domains.Select(d => d.Name).Order(StringComparer.Ordinal))}");
        }
        catch (LibvirtClientException e)
        {
            transcript.Add("FAILED " + e.Message);
        }

        return string.Join('\n', transcript);
    }

    private static async Task<string> PythonAsync(string uri, params string[] answers)
    {
        const string Script = """
            import sys, libvirt
            libvirt.registerErrorHandler(lambda *a: None, None)
            answers = sys.argv[2:]
            def ask(credentials, _):
                for c in credentials:
                    print('ASK', c[0], c[1])
                    c[4] = answers.pop(0) if answers else None
                return 0
            kinds = [libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_ECHOPROMPT, libvirt.VIR_CRED_PASSPHRASE, libvirt.VIR_CRED_NOECHOPROMPT]
            try:
                conn = libvirt.openAuth(sys.argv[1], [kinds, ask, None], 0)
            except libvirt.libvirtError as e:
                print('FAILED', e)
                sys.exit(0)
            print('OK', conn.getLibVersion(), ','.join(sorted(d.name() for d in conn.listAllDomains())))
            conn.close()
            """;
        ExternalProcess.Result result = await ExternalProcess.RunAsync("/usr/bin/python3", ["-c", Script, uri, .. answers], timeout: Timeout);
        return result.Stdout.Trim();
    }
}
