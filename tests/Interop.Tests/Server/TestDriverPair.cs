using System.Text.RegularExpressions;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// A private libvirtd 9.0.0 (its built-in test driver) next to our server with the embedded test hypervisor, so a test
/// can run the same client command against both and compare what the client prints. Output is normalised only where
/// the two must differ: the socket paths in URIs, the wall-clock "CPU time", random UUIDs and MAC addresses.
/// </summary>
internal sealed partial class TestDriverPair : IAsyncDisposable
{
    private TestDriverPair(PrivateLibvirtd libvirtd, OurServer ours, string directory)
    {
        Libvirtd = libvirtd;
        Ours = ours;
        Directory = directory;
    }

    public PrivateLibvirtd Libvirtd { get; }

    public OurServer Ours { get; }

    /// <summary>A scratch directory for XML files and screenshots.</summary>
    public string Directory { get; }

    public string LibvirtdUri => $"test+unix:///default?socket={Libvirtd.SocketPath}";

    public string OursUri => Ours.UnixUri;

    public static async Task<TestDriverPair> StartAsync()
    {
        PrivateLibvirtd libvirtd = await PrivateLibvirtd.StartAsync();
        OurServer ours;
        try
        {
            ours = await OurServer.StartAsync();
        }
        catch
        {
            await libvirtd.DisposeAsync();
            throw;
        }

        return new TestDriverPair(libvirtd, ours, System.IO.Directory.CreateTempSubdirectory("lr-parity-").FullName);
    }

    /// <summary>Writes a file into <see cref="Directory"/> and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs virsh with the same arguments against both; returns exit code and both streams, normalised.</summary>
    public async Task<(string Libvirtd, string Ours)> VirshBothAsync(params string[] arguments)
    {
        ExternalProcess.Result expected = await LibvirtdVirshAsync(arguments);
        ExternalProcess.Result actual = await ExternalProcess.VirshAsync(OursUri, arguments).Within();
        return (Normalise(expected, LibvirtdUri), Normalise(actual, OursUri));
    }

    /// <summary>
    /// virsh 9.0 (and 11.3) runs save, managedsave, dump and migrate in a worker thread that quits virsh's event loop
    /// when the call returns; a reply that arrives before the main thread has entered that loop leaves virsh waiting
    /// forever. libvirtd's test driver answers fast enough to hit this now and then (our server paces these jobs, see
    /// TestHandlers.JobPacing.cs), so a libvirtd-side run of such a sequence that hangs is killed and run once more.
    /// Killing virsh closes the test driver's last connection, which resets it, so the second run starts clean.
    /// </summary>
    private async Task<ExternalProcess.Result> LibvirtdVirshAsync(string[] arguments)
    {
        if (!arguments.Any(a => WatchedJob().IsMatch(a)))
        {
            return await ExternalProcess.VirshAsync(LibvirtdUri, arguments).Within();
        }

        try
        {
            return await ExternalProcess.RunAsync("virsh", ["-c", LibvirtdUri, .. arguments], environment: ExternalProcess.VirshEnvironment(null), timeout: TimeSpan.FromSeconds(14));
        }
        catch (TimeoutException)
        {
            return await ExternalProcess.RunAsync("virsh", ["-c", LibvirtdUri, .. arguments], environment: ExternalProcess.VirshEnvironment(null), timeout: TimeSpan.FromSeconds(14));
        }
    }

    /// <summary>
    /// Runs one virsh command string against both, applies <paramref name="mask"/> (values that follow each side's
    /// clock) to both outputs, requires them equal and returns ours.
    /// </summary>
    public async Task<string> VirshSameAsync(string commands, Func<string, string>? mask = null)
    {
        (string expected, string actual) = await VirshBothAsync(commands);
        if (mask is not null)
        {
            expected = mask(expected);
            actual = mask(actual);
        }

        Assert.Equal(expected, actual);
        return actual;
    }

    /// <summary><see cref="VirshSameAsync"/> on a pair started for this one command string.</summary>
    public static async Task<string> VirshSameOnFreshPairAsync(string commands, Func<string, string>? mask = null)
    {
        await using TestDriverPair pair = await StartAsync().Within();
        return await pair.VirshSameAsync(commands, mask);
    }

    /// <summary>
    /// The start of a python3-libvirt script for <see cref="PythonBothAsync"/>: libvirt's error printing silenced, the
    /// connection as <c>conn</c>, the test driver's domain as <c>dom</c>, and <c>err(label, f)</c>, which prints
    /// f()'s result or the error's code, domain and message after the label.
    /// </summary>
    public const string PythonPrelude = """
        import sys, libvirt
        libvirt.registerErrorHandler(lambda c, e: None, None)
        conn = libvirt.open(sys.argv[1])
        dom = conn.lookupByName('test')
        def err(label, f):
            try:
                print(label, f())
            except libvirt.libvirtError as e:
                print(label, 'ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
        """;

    /// <summary>Runs a python3-libvirt script (URI as argv[1]) against both.</summary>
    public async Task<(string Libvirtd, string Ours)> PythonBothAsync(string script)
    {
        ExternalProcess.Result expected = await ExternalProcess.PythonAsync(script, LibvirtdUri).Within();
        ExternalProcess.Result actual = await ExternalProcess.PythonAsync(script, OursUri).Within();
        return (Normalise(expected, LibvirtdUri), Normalise(actual, OursUri));
    }

    /// <summary>
    /// Runs a python3-libvirt script against both, applies <paramref name="mask"/> to both outputs, requires them
    /// equal and returns ours.
    /// </summary>
    public async Task<string> PythonSameAsync(string script, Func<string, string>? mask = null)
    {
        (string expected, string actual) = await PythonBothAsync(script);
        if (mask is not null)
        {
            expected = mask(expected);
            actual = mask(actual);
        }

        Assert.Equal(expected, actual);
        return actual;
    }

    public static string Normalise(ExternalProcess.Result result, string uri)
    {
        string text = $"exit {result.ExitCode}\n--- stdout\n{result.Stdout}\n--- stderr\n{result.Stderr}";
        text = text.Replace(uri, "URI", StringComparison.Ordinal);
        text = CpuTime().Replace(text, "CPU time:       X");
        text = Uuid().Replace(text, m => m.Value == "6695eb01-f6a4-8304-79aa-97f2502e193f" ? m.Value : "UUID");
        return Mac().Replace(text, "MAC");
    }

    public async ValueTask DisposeAsync()
    {
        await Ours.DisposeAsync();
        await Libvirtd.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"(^|;)\s*(save|managedsave|dump|migrate)(\s|$)")]
    private static partial Regex WatchedJob();

    [GeneratedRegex(@"CPU time:\s+\S+")]
    private static partial Regex CpuTime();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex("52:54:00(:[0-9a-f]{2}){3}")]
    private static partial Regex Mac();
}
