using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// For <see cref="TransportMatrixTests"/>: one private libvirtd 9.0.0 (the reference, reached over its Unix sockets),
/// a private sshd, certificates, and the reference outputs, computed once on first use.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
#pragma warning disable CA1001 // xunit disposes the fixture through IAsyncLifetime.DisposeAsync
public sealed class TransportMatrixFixture : IAsyncLifetime
#pragma warning restore CA1001
{
    public const string User = "alice";
    public const string Password = "wonderland";

    private readonly Dictionary<string, Lazy<Task<ClientRun>>> _expected = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("lr-matrix-").FullName;
    private PrivateLibvirtd? _libvirtd;
    private PrivateSshd? _sshd;
    private TestPki? _pki;
    private TlsServerOptions? _tls;

    /// <summary>The domain the mutating part of the sequence defines and removes again.</summary>
    public string DemoFile => Path.Combine(_dir, "demo.xml");

    private string AuthFile => Path.Combine(_dir, "auth.conf");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(DemoFile, VirshDomainParityTests.DemoXml);

        // virsh takes SASL credentials from libvirt's auth.conf (a GKeyFile): the group for service "libvirt" and the
        // URI's host names the credentials group.
        await File.WriteAllTextAsync(AuthFile, $"[credentials-t]\nauthname={User}\npassword={Password}\n\n[auth-libvirt-127.0.0.1]\ncredentials=t\n");

        _pki = new TestPki();
        _tls = TlsServerOptions.FromPemFiles(_pki.ServerCertFile, _pki.ServerKeyFile, _pki.CaFile);
        _libvirtd = await PrivateLibvirtd.StartAsync();
        _sshd = await PrivateSshd.StartAsync();
        string libvirtd = $"test+unix:///default?socket={_libvirtd.SocketPath}";
        string libvirtdReadOnly = $"test+unix:///default?socket={_libvirtd.ReadOnlySocketPath}";
        _expected["virsh-rw"] = new(() => RunVirshAsync(libvirtd, null, server: null));
        _expected["virsh-ro"] = new(() => RunVirshAsync(libvirtdReadOnly, null, server: null));
        _expected["python-rw"] = new(() => RunPythonAsync(libvirtd, sasl: false));
        _expected["python-ro"] = new(() => RunPythonAsync(libvirtdReadOnly, sasl: false));
    }

    public async Task DisposeAsync()
    {
        if (_sshd is not null)
        {
            await _sshd.DisposeAsync();
        }

        if (_libvirtd is not null)
        {
            await _libvirtd.DisposeAsync();
        }

        _tls?.ServerCertificate.Dispose();
        _pki?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Starts one of our servers, fresh, on every transport.</summary>
    public MatrixServer StartServer() => new(_tls!, _pki!.GoodDir, AuthFile, _sshd!);

    /// <summary>What libvirtd's test driver gives the same client program over its read-write or read-only socket.</summary>
    public Task<ClientRun> ExpectedAsync(string program, bool readOnly) => _expected[$"{program}-{(readOnly ? "ro" : "rw")}"].Value;

    /// <summary>
    /// Runs the virsh command set in one process (libvirtd's test driver forgets its state when its last client leaves)
    /// while a second virsh listens for every event over the same URI; normalises both outputs.
    /// </summary>
    /// <param name="uri">Where virsh connects.</param>
    /// <param name="environment">Extra environment for both virsh processes.</param>
    /// <param name="server">Our server when it is the one at <paramref name="uri"/>, null for libvirtd.</param>
    public async Task<ClientRun> RunVirshAsync(string uri, IReadOnlyDictionary<string, string>? environment, LibvirtServer? server)
    {
        string screenshot = Path.Combine(_dir, $"screen-{Guid.NewGuid():N}.png");
        string commands = "version; uri; hostname; nodeinfo; capabilities; list --all; dominfo test; domstate --reason test; dumpxml test; " +
            $"define {DemoFile}; start demo; list --all; dominfo demo; domstate --reason demo; destroy demo; undefine demo; list --all; " +
            $"screenshot test --file {screenshot}";
        ExternalProcess.Result main;
        ExternalProcess.Result events;

        // The timeout only bounds a listener that is never interrupted; the test ends it with SIGINT.
        await using (var listener = InterruptibleProcess.Start("virsh", ["-c", uri, "event", "--all", "--loop", "--timeout", "60"], ExternalProcess.VirshEnvironment(environment)))
        {
            await WaitForListenerAsync(server);
            main = await ExternalProcess.VirshAsync(uri, environment, commands).Within();

            // virsh's last commands run after the last lifecycle event (undefine) was sent; this leaves room for its delivery.
            await Task.Delay(1000);
            events = await listener.InterruptAsync().Within();
        }

        byte[]? image = File.Exists(screenshot) ? await File.ReadAllBytesAsync(screenshot) : null;

        // The screenshot's file name differs by construction between runs.
        return new ClientRun(
            TestDriverPair.Normalise(main, uri).Replace(screenshot, "SCREENSHOT", StringComparison.Ordinal),
            TestDriverPair.Normalise(events, uri),
            image);
    }

    /// <summary>Runs <see cref="TransportMatrixTests.PythonScript"/> against <paramref name="uri"/>.</summary>
    public static async Task<ClientRun> RunPythonAsync(string uri, bool sasl)
    {
        ExternalProcess.Result result = await ExternalProcess.PythonAsync(
            TransportMatrixTests.PythonScript, uri, VirshDomainParityTests.DemoXml, sasl ? $"{User}:{Password}" : "-").Within();
        return new ClientRun(TestDriverPair.Normalise(result, uri), string.Empty, null);
    }

    private static async Task WaitForListenerAsync(LibvirtServer? server)
    {
        if (server is null)
        {
            // libvirtd does not say when the listener has registered: give it time, as VirshDomainParityTests does.
            await Task.Delay(1500);
            return;
        }

        // Ours can be asked; virsh registers the lifecycle event first and the other event kinds right after it.
        for (int i = 0; i < 200 && server.Events.Count == 0; i++)
        {
            await Task.Delay(50);
        }

        await Task.Delay(500);
    }
}

/// <summary>Normalised output of one client run, the event listener's output (virsh), and the screenshot bytes if one was saved.</summary>
public sealed record ClientRun(string Output, string Events, byte[]? Screenshot);
