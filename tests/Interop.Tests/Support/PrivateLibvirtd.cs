using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// A libvirtd of the installed libvirt started for one test class: private socket directory, a free loopback
/// TCP port, auth none, the built-in test driver only. Stopped by PID on dispose.
/// </summary>
public sealed class PrivateLibvirtd : IAsyncDisposable
{
    private const string Daemon = "/usr/sbin/libvirtd";
    private readonly Process _process;

    private PrivateLibvirtd(string directory, int tcpPort, Process process)
    {
        Directory = directory;
        TcpPort = tcpPort;
        _process = process;
    }

    /// <summary>Private directory holding config, sockets, pid file and log.</summary>
    public string Directory { get; }

    /// <summary>Loopback TCP port the daemon listens on (auth none).</summary>
    public int TcpPort { get; }

    /// <summary>Read-write Unix socket.</summary>
    public string SocketPath => Path.Combine(Directory, "sock", "libvirt-sock");

    /// <summary>Read-only Unix socket.</summary>
    public string ReadOnlySocketPath => Path.Combine(Directory, "sock", "libvirt-sock-ro");

    /// <summary>Process id, for tests that signal the daemon.</summary>
    public int Pid => _process.Id;

    /// <summary>The daemon's log, for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(Directory, "libvirtd.log")) ? File.ReadAllText(Path.Combine(Directory, "libvirtd.log")) : string.Empty;

    /// <summary>
    /// Starts the daemon and waits until its sockets accept connections. libvirt's config parser keeps the first
    /// of duplicate keys, so the keys this method writes are parameters rather than extra config.
    /// </summary>
    /// <param name="extraConfig">Appended to the config; must not repeat a key this method writes.</param>
    /// <param name="environment">Added to the daemon's environment (e.g. SASL_CONF_PATH).</param>
    /// <param name="authUnixRw">auth_unix_rw.</param>
    /// <param name="authTcp">auth_tcp.</param>
    /// <param name="listenTls">Sets <c>listen_tls</c> (then pass <c>tls_port</c> and the certificate keys in <paramref name="extraConfig"/>).</param>
    public static async Task<PrivateLibvirtd> StartAsync(
        string? extraConfig = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string authUnixRw = "none",
        string authTcp = "none",
        bool listenTls = false)
    {
        if (!File.Exists(Daemon))
        {
            throw new InvalidOperationException($"{Daemon} is missing: run the README's test command, which installs libvirt-daemon.");
        }

        string directory = System.IO.Directory.CreateTempSubdirectory("lvr-libvirtd-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "sock"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "drivers"));
        if (authUnixRw == "polkit" && !OperatingSystem.IsWindows())
        {
            // polkit is there to judge other users: they must reach the socket.
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
            File.SetUnixFileMode(Path.Combine(directory, "sock"), (UnixFileMode)Convert.ToInt32("755", 8));
        }

        int port = FreeTcpPort();
        string config = Path.Combine(directory, "libvirtd.conf");
        await File.WriteAllTextAsync(config, $"""
            listen_tls = {(listenTls ? 1 : 0)}
            listen_tcp = 1
            tcp_port = "{port}"
            listen_addr = "127.0.0.1"
            auth_tcp = "{authTcp}"
            auth_unix_rw = "{authUnixRw}"
            auth_unix_ro = "none"
            unix_sock_dir = "{directory}/sock"
            unix_sock_rw_perms = "{(authUnixRw == "polkit" ? "0777" : "0700")}"
            log_outputs = "3:file:{directory}/libvirtd.log"
            {extraConfig}
            """).ConfigureAwait(false);
        var start = new ProcessStartInfo(Daemon)
        {
            ArgumentList = { "--listen", "--config", config, "--pid-file", Path.Combine(directory, "libvirtd.pid") },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only the built-in test driver: loading hypervisor modules as root without their packages aborts the daemon.
        start.Environment["LIBVIRT_DRIVER_DIR"] = Path.Combine(directory, "drivers");
        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("libvirtd did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new PrivateLibvirtd(directory, port, process);
        try
        {
            await daemon.WaitReadyAsync().ConfigureAwait(false);
        }
        catch
        {
            await daemon.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return daemon;
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

    /// <summary>Sends a signal (e.g. STOP, CONT) to a process by PID.</summary>
    public static void Signal(int pid, string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit(5000);
    }

    /// <summary>
    /// Waits until the daemon accepts TCP connections on <paramref name="port"/> (a listener it opens after its
    /// Unix sockets, such as TLS); on failure the daemon is stopped and the error carries its log.
    /// </summary>
    public async Task WaitForTcpPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                string log = Log;
                await DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"libvirtd did not listen on port {port}: {log}", e);
            }
        }
    }

    /// <summary>A loopback TCP port that is free right now.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"libvirtd exited with {_process.ExitCode}: {Log}");
            }

            if (File.Exists(SocketPath))
            {
                try
                {
                    using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath)).ConfigureAwait(false);
                    using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await tcp.ConnectAsync(new IPEndPoint(IPAddress.Loopback, TcpPort)).ConfigureAwait(false);
                    return;
                }
                catch (SocketException)
                {
                }
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException($"libvirtd did not open {SocketPath} within 30 s: {Log}");
    }
}
