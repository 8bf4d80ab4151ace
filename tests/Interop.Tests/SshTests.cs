using System.Diagnostics;
using System.Security.Cryptography;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Client.Ssh;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// The ssh transport through a private OpenSSH sshd (netcat on the far side) and the ext transport, against a
/// private libvirtd 9.0.0, compared with python3-libvirt opening the same URIs.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private PrivateLibvirtd _daemon = null!;
    private PrivateSshd _sshd = null!;

    public async Task InitializeAsync()
    {
        _daemon = await PrivateLibvirtd.StartAsync();
        _sshd = await PrivateSshd.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _sshd.DisposeAsync();
        await _daemon.DisposeAsync();
    }

    // known_hosts= is accepted and, as in libvirt's OpenSSH transport, not used: the ssh wrapper pins the file.
    private string SshUri(int port) =>
        $"test+ssh://{PrivateSshd.User}@127.0.0.1:{port}/default?socket={_daemon.SocketPath}&keyfile={_sshd.ClientKey}" +
        $"&known_hosts={_sshd.KnownHosts}&no_tty=1&command={_sshd.SshWrapper}";

    [Fact]
    public async Task SshThroughNetcatGivesWhatPythonLibvirtGets()
    {
        string uri = SshUri(_sshd.Port);
        string python = await PythonAsync(uri);
        Assert.Equal(await OurSummaryAsync(uri), python);
        Assert.StartsWith("9000000 test ", python, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtRunsTheCommandAndSpeaksOverItsStdio()
    {
        string bridge = await PrivateSshd.WriteScriptAsync(_sshd.Directory, "bridge", $"exec /usr/bin/nc -U {_daemon.SocketPath}");
        string uri = $"test+ext:///default?command={bridge}";
        string python = await PythonAsync(uri);
        Assert.Equal(await OurSummaryAsync(uri), python);
        Assert.StartsWith("9000000 test ", python, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsArriveThroughSsh()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(SshUri(_sshd.Port)).WaitAsync(Timeout);
        var registered = new TaskCompletionSource<int>();
        await using IAsyncEnumerator<DomainLifecycleEvent> events = connection.Events.DomainLifecycleAsync(options: new() { Registered = registered.SetResult }).GetAsyncEnumerator();
        Task<bool> first = events.MoveNextAsync().AsTask();
        await registered.Task.WaitAsync(Timeout);

        Domain domain = await connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        await domain.SuspendAsync().WaitAsync(Timeout);
        await domain.ResumeAsync().WaitAsync(Timeout);
        Assert.True(await first.WaitAsync(Timeout));
        Assert.Equal((3, "test"), (events.Current.Event, events.Current.Domain.Name)); // suspended
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal((4, "test"), (events.Current.Event, events.Current.Domain.Name)); // resumed
    }

    [Fact]
    public async Task ExtCommandIsNotSplitIntoArguments()
    {
        // libvirt runs command= as one program path; a command line with arguments names no program.
        string uri = $"test+ext:///default?command=/usr/bin/nc%20-U%20{_daemon.SocketPath}";
        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout));
        Assert.Contains("/usr/bin/nc -U", error.Message, StringComparison.Ordinal);

        // python3-libvirt fails too; its message races between the child's exec error and the broken pipe.
        string python = await PythonAsync(uri, expectFailure: true);
        Assert.Matches("cannot execute binary /usr/bin/nc -U|Broken pipe|Connection reset", python);
    }

    [Fact]
    public async Task SshThatCannotConnectFailsWithItsOwnError()
    {
        int closed = ClosedPort();
        ConnectionLostException error = await Assert.ThrowsAsync<ConnectionLostException>(() => LibvirtConnection.OpenAsync(SshUri(closed)).WaitAsync(Timeout));
        Assert.Contains("'ssh' exited with status 255", error.Message, StringComparison.Ordinal);
        Assert.Contains($"connect to host 127.0.0.1 port {closed}: Connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NativeProxyRunsVirtSshHelperOnTheFarSide()
    {
        // virt-ssh-helper ignores socket= and picks the far host's default daemon socket, which no daemon serves
        // here (the private libvirtd lives elsewhere): both clients must fail with the helper's own complaint,
        // which shows the helper ran through sshd with the URI it was given.
        string uri = SshUri(_sshd.Port).Replace($"socket={_daemon.SocketPath}&", string.Empty, StringComparison.Ordinal) + "&proxy=native";
        ConnectionLostException error = await Assert.ThrowsAsync<ConnectionLostException>(() => LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout));
        Assert.Contains("virt-ssh-helper: cannot connect to '", error.Message, StringComparison.Ordinal);
        string python = await PythonAsync(uri, expectFailure: true);
        string socket = python[python.IndexOf("cannot connect to '", StringComparison.Ordinal)..].Split('\'')[1];
        Assert.Contains($"cannot connect to '{socket}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NativeProxyReachesTheFarSidesSystemSocketThroughVirtSshHelper()
    {
        // A far side of its own: an sshd whose sessions see a private /run, where libvirt/libvirt-sock leads to the
        // private libvirtd. virt-ssh-helper (running as root there) picks that system path from the URI alone, as on a
        // real host, so both clients reach the daemon without socket= or netcat.
        string run = Directory.CreateTempSubdirectory("libvirt-run-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(run, "libvirt"));
            File.CreateSymbolicLink(Path.Combine(run, "libvirt", "libvirt-sock"), _daemon.SocketPath);
            File.CreateSymbolicLink(Path.Combine(run, "libvirt", "libvirt-sock-ro"), _daemon.ReadOnlySocketPath);
            await using PrivateSshd sshd = await PrivateSshd.StartAsync(run);
            string uri = $"test+ssh://{PrivateSshd.User}@127.0.0.1:{sshd.Port}/default?keyfile={sshd.ClientKey}&no_tty=1&command={sshd.SshWrapper}&proxy=native";
            string python = await PythonAsync(uri);
            Assert.Equal(await OurSummaryAsync(uri), python);
            Assert.StartsWith("9000000 test ", python, StringComparison.Ordinal);

            // Read-only goes to the helper as -r, which picks the read-only socket, and the daemon refuses writes.
            await using LibvirtConnection readOnly = await LibvirtConnection.OpenAsync(uri, new LibvirtConnectionOptions { ReadOnly = true }).WaitAsync(Timeout);
            Domain test = await readOnly.LookupDomainByNameAsync("test").WaitAsync(Timeout);
            LibvirtException refused = await Assert.ThrowsAsync<LibvirtException>(
                () => readOnly.CallAsync<DomainSuspendArgs, LibvirtRemote.Xdr.XdrVoid>(Procedure.DomainSuspend, new DomainSuspendArgs { Dom = test.Wire }).AsTask().WaitAsync(Timeout));
            Assert.Equal("operation forbidden: read only access prevents virDomainSuspend", refused.Message);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    [Fact]
    public async Task ArgumentsMatchWhatPythonLibvirtHandsToTheSshBinary()
    {
        // A stand-in ssh records the arguments libvirt passes; ours must be the same, word for word.
        string record = Path.Combine(_sshd.Directory, "args");
        string fake = await PrivateSshd.WriteScriptAsync(_sshd.Directory, "record", $"for a in \"$@\"; do printf '%s\\n' \"$a\"; done > {record}; exit 1");
        string[] uris =
        [
            $"qemu+ssh://root@host.example:2222/system?command={fake}&keyfile=/k&no_tty=1&no_verify=1",
            $"qemu+ssh://h/system?command={fake}&netcat=/bin/my%20nc&Known_Hosts=/kh",
            $"qemu+ssh://h/session?command={fake}&proxy=native&foo=bar",
            $"{SshUri(_sshd.Port).Replace(_sshd.SshWrapper, fake, StringComparison.Ordinal)}",
        ];
        foreach (string uri in uris)
        {
            File.Delete(record);
            await PythonAsync(uri, expectFailure: true);
            string[] libvirt = (await File.ReadAllTextAsync(record)).Split('\n')[..^1];
            IReadOnlyList<string> ours = SshCommandBuilder.BuildSsh(LibvirtUri.Parse(uri), readOnly: false, Environment.IsPrivilegedProcess);
            Assert.Equal(libvirt, ours.Skip(1));
        }
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> OurSummaryAsync(string uri)
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout);
        ulong version = await connection.GetLibVersionAsync().WaitAsync(Timeout);
        IReadOnlyList<Domain> domains = await connection.ListAllDomainsAsync().WaitAsync(Timeout);
        Domain domain = await connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        (string mime, LibvirtStream stream) = await connection.ScreenshotAsync(domain.Wire, 0).WaitAsync(Timeout);
        byte[] image;
        await using (stream)
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer).WaitAsync(Timeout);
            await stream.FinishAsync().WaitAsync(Timeout);
            image = buffer.ToArray();
        }

        string names = string.Join(',', domains.Select(d => d.Name).Order(StringComparer.Ordinal));
        return $"{version} {names} {mime} {Convert.ToHexStringLower(SHA256.HashData(image))}";
    }

    private static async Task<string> PythonAsync(string uri, bool expectFailure = false)
    {
        const string Script = """
            import hashlib, sys, libvirt
            libvirt.registerErrorHandler(lambda *a: None, None)
            try:
                conn = libvirt.open(sys.argv[1])
            except libvirt.libvirtError as e:
                print(e)
                sys.exit(3)
            names = ','.join(sorted(d.name() for d in conn.listAllDomains()))
            st = conn.newStream()
            mime = conn.lookupByName('test').screenshot(st, 0)
            data = b''
            while True:
                chunk = st.recv(262144)
                if not chunk:
                    break
                data += chunk
            st.finish()
            print(conn.getLibVersion(), names, mime, hashlib.sha256(data).hexdigest())
            conn.close()
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(uri);
        using Process python = Process.Start(start)!;
        Task<string> stdout = python.StandardOutput.ReadToEndAsync();
        Task<string> stderr = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(expectFailure ? python.ExitCode == 3 : python.ExitCode == 0, await stdout + await stderr);
        return (await stdout).Trim();
    }
}
