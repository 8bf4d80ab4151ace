using System.Diagnostics;
using System.Net.Sockets;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// A session-mode libvirtd with only the storage driver (the test driver has no volume streams), run as
/// <c>nobody</c> with HOME and XDG directories in a private temporary directory. A <c>dir</c> pool named
/// <see cref="PoolName"/> lives in <see cref="PoolPath"/>. No user is created. Stopped by PID on dispose; the
/// directory is removed.
/// </summary>
public sealed class PrivateStorageDaemon : IAsyncDisposable
{
    public const string PoolName = "streams";
    private const string Daemon = "/usr/sbin/libvirtd";
    private const string StorageDriver = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_storage.so";
    private readonly Process _process;

    private PrivateStorageDaemon(string directory, Process process)
    {
        Directory = directory;
        _process = process;
    }

    /// <summary>Private directory holding config, sockets, pool, pid file and log.</summary>
    public string Directory { get; }

    /// <summary>The pool's directory: volumes are files here.</summary>
    public string PoolPath => Path.Combine(Directory, "pool");

    /// <summary>URI for our client and for virsh/python.</summary>
    public string Uri => $"storage+unix:///session?socket={Path.Combine(Directory, "sock", "libvirt-sock")}";

    /// <summary>Daemon process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The daemon's log, for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(Directory, "log", "libvirtd.log")) ? File.ReadAllText(Path.Combine(Directory, "log", "libvirtd.log")) : string.Empty;

    /// <summary>Starts the daemon, waits for its socket and creates the pool.</summary>
    public static async Task<PrivateStorageDaemon> StartAsync()
    {
        if (!File.Exists(Daemon) || !File.Exists(StorageDriver))
        {
            throw new InvalidOperationException($"{Daemon} or {StorageDriver} is missing: run the README's test command, which installs libvirt-daemon.");
        }

        string directory = System.IO.Directory.CreateTempSubdirectory("lvr-storage-").FullName;
        foreach (string sub in new[] { "home", "cfg", "run", "cache", "sock", "drv", "pool", "log" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        // Only the storage driver: the daemon loads every module it finds in LIBVIRT_DRIVER_DIR.
        File.CreateSymbolicLink(Path.Combine(directory, "drv", Path.GetFileName(StorageDriver)), StorageDriver);
        string config = Path.Combine(directory, "libvirtd.conf");
        await File.WriteAllTextAsync(config, $"""
            listen_tls = 0
            listen_tcp = 0
            auth_tcp = "none"
            auth_unix_rw = "none"
            auth_unix_ro = "none"
            unix_sock_dir = "{directory}/sock"
            unix_sock_rw_perms = "0777"
            log_outputs = "3:file:{directory}/log/libvirtd.log"
            """).ConfigureAwait(false);
        await RunAsync("chown", "-R", "nobody:nogroup", directory).ConfigureAwait(false);
        await RunAsync("chmod", "755", directory).ConfigureAwait(false);
        await RunAsync("chmod", "700", Path.Combine(directory, "run")).ConfigureAwait(false);

        // setpriv executes libvirtd in place, so the process we start is the daemon and its PID is the one to stop.
        var start = new ProcessStartInfo("/usr/bin/setpriv")
        {
            ArgumentList = { "--reuid=nobody", "--regid=nogroup", "--clear-groups", Daemon, "--config", config, "--pid-file", Path.Combine(directory, "libvirtd.pid") },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/bin";
        start.Environment["HOME"] = Path.Combine(directory, "home");
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(directory, "cfg");
        start.Environment["XDG_RUNTIME_DIR"] = Path.Combine(directory, "run");
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(directory, "cache");
        start.Environment["LIBVIRT_DRIVER_DIR"] = Path.Combine(directory, "drv");
        Process process = Process.Start(start) ?? throw new InvalidOperationException("libvirtd did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new PrivateStorageDaemon(directory, process);
        try
        {
            await daemon.WaitReadyAsync().ConfigureAwait(false);
            string poolXml = Path.Combine(directory, "pool.xml");
            await File.WriteAllTextAsync(poolXml, $"<pool type='dir'><name>{PoolName}</name><target><path>{daemon.PoolPath}</path></target></pool>").ConfigureAwait(false);
            await daemon.VirshAsync("pool-create", poolXml).ConfigureAwait(false);
        }
        catch
        {
            await daemon.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return daemon;
    }

    /// <summary>Runs virsh against this daemon and returns its output; throws when it fails.</summary>
    public Task<string> VirshAsync(params string[] arguments) => RunAsync("virsh", ["-c", Uri, .. arguments]);

    /// <summary>Writes a file in the pool owned by the daemon's user and tells the pool about it.</summary>
    public async Task<string> CreateVolumeFileAsync(string name, long size, params (long Offset, byte[] Data)[] extents)
    {
        string path = Path.Combine(PoolPath, name);
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            foreach ((long offset, byte[] data) in extents)
            {
                file.Position = offset;
                await file.WriteAsync(data).ConfigureAwait(false);
            }

            // Growing by SetLength leaves the tail as a hole.
            file.SetLength(size);
        }

        await RunAsync("chown", "nobody:nogroup", path).ConfigureAwait(false);
        await VirshAsync("pool-refresh", PoolName).ConfigureAwait(false);
        return path;
    }

    /// <summary>Stops the daemon by PID and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)}");
        }

        return await output.ConfigureAwait(false);
    }

    private async Task WaitReadyAsync()
    {
        string socketPath = Path.Combine(Directory, "sock", "libvirt-sock");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"libvirtd exited with {_process.ExitCode}: {Log}");
            }

            if (File.Exists(socketPath))
            {
                try
                {
                    using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).ConfigureAwait(false);
                    return;
                }
                catch (SocketException)
                {
                }
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException($"libvirtd did not open {socketPath} within 30 s: {Log}");
    }
}
