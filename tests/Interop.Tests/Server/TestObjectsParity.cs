using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Runs the same client commands against libvirtd 9.0.0's test driver and against our server, so tests can demand
/// identical output. libvirtd's <c>test:///default</c> state lives only while a connection is open, so each
/// comparison is one client process (virsh with ';'-separated commands) against fresh daemons.
/// </summary>
public sealed class TestObjectsParity : IAsyncDisposable
{
    private PrivateLibvirtd? _libvirtd;
    private OurServer? _ours;

    private TestObjectsParity(string directory) => Directory = directory;

    /// <summary>A private directory for XML files the commands read.</summary>
    public string Directory { get; }

    /// <summary>URI of libvirtd's test driver.</summary>
    public string LibvirtdUri => $"test+unix:///default?socket={_libvirtd!.SocketPath}";

    /// <summary>URI of our server.</summary>
    public string OurUri => _ours!.UnixUri;

    /// <summary>Starts both servers.</summary>
    public static async Task<TestObjectsParity> StartAsync()
    {
        var parity = new TestObjectsParity(System.IO.Directory.CreateTempSubdirectory("lr-parity-").FullName);
        try
        {
            parity._libvirtd = await PrivateLibvirtd.StartAsync().WaitAsync(TestTimeouts.Default);
            parity._ours = await OurServer.StartAsync().WaitAsync(TestTimeouts.Default);
        }
        catch
        {
            await parity.DisposeAsync();
            throw;
        }

        return parity;
    }

    /// <summary>Writes a file into <see cref="Directory"/> and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs one virsh invocation against both and returns (libvirtd, ours) as exit code + stdout + stderr.</summary>
    public async Task<(string Libvirtd, string Ours)> VirshBothAsync(params string[] arguments)
    {
        ExternalProcess.Result theirs = await ExternalProcess.VirshAsync(LibvirtdUri, arguments).WaitAsync(TestTimeouts.Default);
        ExternalProcess.Result ours = await ExternalProcess.VirshAsync(OurUri, arguments).WaitAsync(TestTimeouts.Default);
        return (Describe(theirs), Describe(ours));
    }

    /// <summary>Asserts that one virsh invocation prints the same against both.</summary>
    public async Task<string> AssertSameVirshAsync(params string[] arguments)
    {
        (string theirs, string ours) = await VirshBothAsync(arguments);
        Assert.Equal(theirs, ours);
        return ours;
    }

    /// <summary>Asserts that a python3-libvirt script (given the URI as argv[1]) prints the same against both.</summary>
    public async Task<string> AssertSamePythonAsync(string script)
    {
        ExternalProcess.Result theirs = await ExternalProcess.PythonAsync(script, LibvirtdUri).WaitAsync(TestTimeouts.Default);
        ExternalProcess.Result ours = await ExternalProcess.PythonAsync(script, OurUri).WaitAsync(TestTimeouts.Default);
        Assert.Equal(Describe(theirs), Describe(ours));
        return ours.Stdout;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ours is not null)
        {
            await _ours.DisposeAsync();
        }

        if (_libvirtd is not null)
        {
            await _libvirtd.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Describe(ExternalProcess.Result result) => $"exit {result.ExitCode}\n--- stdout\n{result.Stdout}--- stderr\n{result.Stderr}";
}
