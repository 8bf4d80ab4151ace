using System.Diagnostics;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// polkit without touching the host's: a private D-Bus system bus (dbus-daemon with a config of ours on a socket in a
/// private directory) and the installed polkitd on it. polkitd reads its actions and rules only from fixed system
/// paths, so it runs in a mount namespace of its own where those two directories are bind mounts of private ones:
/// one action, <c>org.libvirt.unix.manage</c>, that nobody holds by default, and a rule granting it to one user.
/// Daemons that should ask this polkit get <see cref="Environment"/>. Both processes are stopped by PID.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivatePolkit : IAsyncDisposable
{
    private const string Polkitd = "/usr/lib/polkit-1/polkitd";
    private readonly List<Process> _processes = [];

    private PrivatePolkit(string directory) => Directory = directory;

    /// <summary>Private directory holding the bus socket, its config, the action and the rule.</summary>
    public string Directory { get; }

    /// <summary>The bus address for <c>DBUS_SYSTEM_BUS_ADDRESS</c>.</summary>
    public string BusAddress => $"unix:path={Path.Combine(Directory, "bus")}";

    /// <summary>Environment that points a daemon's system-bus clients (libvirtd's polkit check) at this bus.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = BusAddress };

    /// <summary>Starts the bus and polkitd, granting <c>org.libvirt.unix.manage</c> to <paramref name="allowedUser"/> only.</summary>
    public static async Task<PrivatePolkit> StartAsync(string allowedUser)
    {
        foreach (string program in new[] { "/usr/bin/dbus-daemon", Polkitd })
        {
            if (!File.Exists(program))
            {
                throw new InvalidOperationException($"{program} is missing: run the README's test command, which installs dbus-daemon and polkitd.");
            }
        }

        var polkit = new PrivatePolkit(System.IO.Directory.CreateTempSubdirectory("lvr-polkit-").FullName);
        try
        {
            await polkit.StartProcessesAsync(allowedUser);
            return polkit;
        }
        catch
        {
            await polkit.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops polkitd and the bus by PID and removes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Process process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            process.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static Process Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        Process process = Process.Start(ExternalProcess.StartInfo(program, arguments, environment))!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task StartProcessesAsync(string allowedUser)
    {
        string actions = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "actions")).FullName;
        string rules = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "rules")).FullName;
        string bus = Path.Combine(Directory, "bus");
        await File.WriteAllTextAsync(Path.Combine(Directory, "bus.conf"), $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path={bus}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """);
        await File.WriteAllTextAsync(Path.Combine(actions, "org.libvirt.unix.policy"), """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE policyconfig PUBLIC "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN" "http://www.freedesktop.org/standards/PolicyKit/1/policyconfig.dtd">
            <policyconfig>
              <action id="org.libvirt.unix.manage">
                <description>Use a private test libvirtd</description>
                <message>Using the test libvirtd needs a rule</message>
                <defaults><allow_any>no</allow_any><allow_inactive>no</allow_inactive><allow_active>no</allow_active></defaults>
              </action>
            </policyconfig>
            """);
        await File.WriteAllTextAsync(Path.Combine(rules, "50-test.rules"), $$"""
            polkit.addRule(function(action, subject) {
                if (action.id == "org.libvirt.unix.manage" && subject.user == "{{allowedUser}}") {
                    return polkit.Result.YES;
                }
            });
            """);

        // polkitd drops to its own user; it and the clients it judges must reach these files and the bus.
        foreach (string path in new[] { Directory, actions, rules })
        {
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        _processes.Add(Start("/usr/bin/dbus-daemon", ["--config-file", Path.Combine(Directory, "bus.conf"), "--nofork", "--nopidfile"]));
        await WaitForAsync(() => File.Exists(bus), "dbus-daemon to create its socket");

        // unshare and sh both exec, so the PID started is polkitd's own.
        _processes.Add(Start(
            "/usr/bin/unshare",
            ["--mount", "--propagation", "private", "/bin/sh", "-c",
             "mount --bind \"$0\" /usr/share/polkit-1/actions && mount --bind \"$1\" /etc/polkit-1/rules.d && exec " + Polkitd + " --no-debug",
             actions, rules],
            Environment));

        // polkitd is ready once it owns its name; pkaction asks for it over the bus.
        await WaitForAsync(
            async () => (await ExternalProcess.RunAsync("/usr/bin/pkaction", ["--action-id", "org.libvirt.unix.manage"], environment: new Dictionary<string, string>(Environment), timeout: TimeSpan.FromSeconds(10))).ExitCode == 0,
            "polkitd to answer on the private bus");
    }

    private Task WaitForAsync(Func<bool> ready, string what) => WaitForAsync(() => Task.FromResult(ready()), what);

    private async Task WaitForAsync(Func<Task<bool>> ready, string what)
    {
        for (int i = 0; i < 200; i++)
        {
            if (_processes.Find(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{exited.StartInfo.FileName} exited with status {exited.ExitCode} while waiting for {what}");
            }

            if (await ready())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"timed out waiting for {what}");
    }
}
