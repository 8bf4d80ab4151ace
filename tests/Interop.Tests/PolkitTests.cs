using System.Globalization;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// AUTH_POLKIT against the real thing: libvirtd 9.0.0 with <c>auth_unix_rw = "polkit"</c> asking the installed polkitd
/// on a private bus, whose only rule lets "nobody" in. Our client and python3-libvirt run as other users (polkit judges
/// the caller's uid, and root is let through without asking) and must get the same answers.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PolkitTests : IAsyncLifetime
{
    private const string Script = """
        import sys, libvirt
        libvirt.registerErrorHandler(lambda *_: None, None)
        try:
            c = libvirt.open(sys.argv[1])
            print("OK", c.getHostname())
            c.close()
        except libvirt.libvirtError as e:
            print("ERR", e.get_error_code(), e.get_error_domain(), e.get_error_message())
        """;

    private const int Nobody = 65534;
    private const int Daemon = 1;
    private PrivatePolkit _polkit = null!;
    private PrivateLibvirtd _libvirtd = null!;
    private string _probe = null!;

    private string Uri => $"test+unix:///default?socket={_libvirtd.SocketPath}";

    public async Task InitializeAsync()
    {
        _polkit = await PrivatePolkit.StartAsync("nobody");
        _libvirtd = await PrivateLibvirtd.StartAsync(authUnixRw: "polkit", environment: _polkit.Environment);
        _probe = CopyProbe();
    }

    public async Task DisposeAsync()
    {
        await _libvirtd.DisposeAsync();
        await _polkit.DisposeAsync();
        Directory.Delete(_probe, recursive: true);
    }

    [Fact]
    public async Task TheUserTheRuleAllowsGetsInAsWithPython()
    {
        string python = await PythonAsAsync(Nobody, Uri);
        Assert.Equal($"OK {Environment.MachineName}", python);
        Assert.Equal(python, await OursAsAsync(Nobody, Uri));
        Assert.Equal(python, await OursAsAsync(Nobody, Uri + "&auth=polkit"));
    }

    [Fact]
    public async Task AnotherUserIsDeniedByPolicyAsWithPython()
    {
        string python = await PythonAsAsync(Daemon, Uri);
        Assert.Equal("ERR 45 60 authentication failed: access denied by policy", python);
        Assert.Equal(python, await OursAsAsync(Daemon, Uri));
        Assert.Contains("access denied by policy", _libvirtd.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootIsLetInWithoutPolkit()
    {
        ExternalProcess.Result python = (await ExternalProcess.PythonAsync(Script, Uri).Within()).EnsureSuccess("python as root");
        Assert.Equal($"OK {Environment.MachineName}", python.Stdout.Trim());
        await using Client.LibvirtConnection ours = await Client.LibvirtConnection.OpenAsync(Uri).Within();
        Assert.Equal(Environment.MachineName, await ours.GetHostnameAsync().Within());
    }

    /// <summary>
    /// The probe and the libraries it loads, copied where any user can read them (the checkout may sit in a directory
    /// only root can enter).
    /// </summary>
    private static string CopyProbe()
    {
        string directory = Directory.CreateTempSubdirectory("lvr-probe-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "LibvirtRemote.*"))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(".dll", StringComparison.Ordinal) || name.StartsWith("LibvirtRemote.FaultProbe.", StringComparison.Ordinal))
            {
                string copy = Path.Combine(directory, name);
                File.Copy(file, copy);
                File.SetUnixFileMode(copy, (UnixFileMode)Convert.ToInt32("644", 8));
            }
        }

        return directory;
    }

    private static async Task<string> PythonAsAsync(int uid, string uri)
    {
        ExternalProcess.Result result = (await AsUserAsync(uid, ["/usr/bin/python3", "-c", Script, uri], environment: null).Within()).EnsureSuccess("python3");
        return result.Stdout.Trim();
    }

    private static Task<ExternalProcess.Result> AsUserAsync(int uid, string[] command, IDictionary<string, string>? environment)
    {
        string id = uid.ToString(CultureInfo.InvariantCulture);
        return ExternalProcess.RunAsync("/usr/bin/setpriv", ["--reuid", id, "--regid", id, "--clear-groups", .. command], environment: environment);
    }

    private async Task<string> OursAsAsync(int uid, string uri)
    {
        // HOME points somewhere the user may read, so nothing looks for per-user files under root's home.
        ExternalProcess.Result result = (await AsUserAsync(
            uid,
            ["/usr/bin/env", "dotnet", Path.Combine(_probe, "LibvirtRemote.FaultProbe.dll"), "hostname", uri],
            new Dictionary<string, string> { ["HOME"] = _probe, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }).Within()).EnsureSuccess("our client");
        return result.Stdout.Trim();
    }
}
