using System.Diagnostics;
using System.Net.Sockets;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// A server process for the scenarios: libvirtd 9.0.0 with only its test driver, or our server (<c>Compare serve</c>),
/// each on a Unix socket in a private directory; stopped by PID.
/// </summary>
internal sealed partial class Daemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private Daemon(Process process, string directory, string socket, string name)
    {
        _process = process;
        _directory = directory;
        Socket = socket;
        Name = name;
    }

    public string Name { get; }

    public string Socket { get; }

    public int Pid => _process.Id;

    /// <summary>The URI the load clients use: the Unix socket, or the TLS listener when the daemon was started with one.</summary>
    public string Uri => _tlsUri ?? $"test+unix:///default?socket={Socket}";

    public static async Task<Daemon> StartLibvirtdAsync(string extraConfig = "", bool listen = false)
    {
        const string daemon = "/usr/sbin/libvirtd";
        string directory = Directory.CreateTempSubdirectory("lvr-compare-libvirtd-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "sock"));
        Directory.CreateDirectory(Path.Combine(directory, "drivers"));
        string config = Path.Combine(directory, "libvirtd.conf");

        // Over Unix unless a TLS listener is asked for (with its settings in extraConfig). max_client_requests
        // matches our server's limit.
        await File.WriteAllTextAsync(config, $"""
            listen_tls = {(listen ? 1 : 0)}
            listen_tcp = 0
            auth_unix_rw = "none"
            auth_unix_ro = "none"
            unix_sock_dir = "{directory}/sock"
            unix_sock_rw_perms = "0700"
            max_client_requests = {Limits.MaxClientRequests}
            max_clients = 5000
            log_outputs = "3:file:{directory}/libvirtd.log"
            {extraConfig}
            """).ConfigureAwait(false);
        var start = new ProcessStartInfo(daemon)
        {
            ArgumentList = { "--config", config, "--pid-file", Path.Combine(directory, "libvirtd.pid") },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        if (listen)
        {
            start.ArgumentList.Add("--listen");
        }

        // Only the built-in test driver: hypervisor modules without their packages would abort the daemon.
        start.Environment["LIBVIRT_DRIVER_DIR"] = Path.Combine(directory, "drivers");
        Process process = Process.Start(start) ?? throw new InvalidOperationException("libvirtd did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new Daemon(process, directory, Path.Combine(directory, "sock", "libvirt-sock"), "libvirtd");
        await result.WaitReadyAsync().ConfigureAwait(false);
        return result;
    }

    public static async Task<Daemon> StartOursAsync(long volumeBytes, params string[] extraArguments)
    {
        string directory = Directory.CreateTempSubdirectory("lvr-compare-ours-").FullName;
        string socket = Path.Combine(directory, "libvirt-sock");
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            ArgumentList = { "serve", socket, volumeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Our server's launchers ask for inline socket completions (Cli serve and Compare serve do it themselves too).
        start.Environment[LibvirtRemote.Server.SocketCompletionMode.VariableName] = "1";
        return await StartReportingReadyAsync(start, directory, socket, "our server", "ours").ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a server that prints READY on stdout once it listens and ends when its stdin closes; its stderr is
    /// passed through with <paramref name="label"/> in front.
    /// </summary>
    private static async Task<Daemon> StartReportingReadyAsync(ProcessStartInfo start, string directory, string socket, string label, string name)
    {
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{label} did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{label}] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        var result = new Daemon(process, directory, socket, name);
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (line != "READY")
        {
            await result.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"{label} did not start: '{line}'");
        }

        await result.WaitReadyAsync().ConfigureAwait(false);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                if (_process.StartInfo.RedirectStandardInput)
                {
                    _process.StandardInput.Close();
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
            }
        }
        catch (TimeoutException)
        {
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}");
            }

            if (File.Exists(Socket))
            {
                try
                {
                    using var probe = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(Socket)).ConfigureAwait(false);
                    return;
                }
                catch (SocketException)
                {
                }
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Name} did not open {Socket} within 30 s");
    }
}
