using System.Globalization;
using System.Net;
using LibvirtRemote.Server;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.TestHypervisor;
using LibvirtRemote.Transport.Config;

namespace LibvirtRemote.Cli.Commands;

/// <summary>
/// <c>serve</c>: runs the server with the embedded test hypervisor until Ctrl-C or SIGTERM. By default it listens on
/// TCP 127.0.0.1:16509 without authentication (so <c>virsh -c test+tcp://127.0.0.1/default</c> works at once) and on
/// a read-write and a read-only Unix socket in <c>--unix-dir</c>. Like libvirtd's test driver, the hypervisor starts over
/// when its last client closes, unless <c>--keep-state</c> is given.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Before any socket exists: the runtime reads the setting once. DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0
        // in the environment keeps completions on the thread pool.
        SocketCompletionMode.PreferInline();
        string tcp = "127.0.0.1:16509";
        string unixDir = Path.Combine(Path.GetTempPath(), "libvirtremote");
        string? configFile = null;
        string? saslDb = null;
        bool verbose = false;
        bool keepState = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--listen-tcp" when i + 1 < args.Length:
                    tcp = args[++i];
                    break;
                case "--no-tcp":
                    tcp = string.Empty;
                    break;
                case "--unix-dir" when i + 1 < args.Length:
                    unixDir = args[++i];
                    break;
                case "--config" when i + 1 < args.Length:
                    configFile = args[++i];
                    break;
                case "--sasl-db" when i + 1 < args.Length:
                    saslDb = args[++i];
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case "--keep-state":
                    keepState = true;
                    break;
                default:
                    Console.Error.WriteLine($"serve: unknown option '{args[i]}'");
                    Console.Error.WriteLine("usage: Cli serve [--config LIBVIRTD.CONF [--sasl-db USERS]] [--listen-tcp ADDR:PORT | --no-tcp] [--unix-dir DIR] [--keep-state] [--verbose]");
                    return 64;
            }
        }

        if (configFile is not null)
        {
            return await ServeFromConfigAsync(configFile, unixDir, verbose, saslDb, keepState).ConfigureAwait(false);
        }

        var backend = new TestBackend(keepState);
        var server = new LibvirtServer(backend, new ServerOptions(), (level, message) => Console.Error.WriteLine($"{level}: {message}"))
        {
            LogLevel = verbose ? LogLevelName.Debug : LogLevelName.Warning,
        };
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable serverScope = server.ConfigureAwait(false);

        Directory.CreateDirectory(unixDir);
        string rw = Path.Combine(unixDir, "libvirt-sock");
        string ro = Path.Combine(unixDir, "libvirt-sock-ro");
        string admin = Path.Combine(unixDir, "libvirt-admin-sock");
        server.ListenUnix(rw, new ListenerOptions(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        server.ListenUnix(ro, new ListenerOptions { ReadOnly = true }, (UnixFileMode)0x1FF);

        // As libvirtd: the admin socket has no authentication, so only its owner may connect.
        server.ListenUnix(admin, new ListenerOptions { Admin = true }, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Console.WriteLine($"listening on unix {rw} (read-write), {ro} (read-only) and {admin} (admin)");
        if (tcp.Length > 0)
        {
            IPEndPoint endPoint = IPEndPoint.Parse(tcp);
            server.ListenTcp(endPoint, new ListenerOptions());
            string port = endPoint.Port == 16509 ? string.Empty : ":" + endPoint.Port.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine($"listening on tcp {endPoint} (no authentication): virsh -c test+tcp://{endPoint.Address}{port}/default list --all");
        }

        Console.WriteLine($"or: virsh -c 'test+unix:///default?socket={rw}' list --all");
        await WaitForStopAsync(server.AutoShutdown).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Serves as a libvirtd.conf-style file says; <paramref name="unixDir"/> holds the sockets unless it sets <c>unix_sock_dir</c>.</summary>
    private static async Task<int> ServeFromConfigAsync(string path, string unixDir, bool verbose, string? saslDb, bool keepState)
    {
        ServerConfig config;
        try
        {
            config = await ServerConfig.LoadAsync(path).ConfigureAwait(false);
        }
        catch (ConfFileException e)
        {
            // The message names the file, line and key at fault.
            Console.Error.WriteLine($"serve: {e.Message}");
            return 78;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"serve: cannot read {path}: {e.Message}");
            return 66;
        }

        ServerHost host;
        try
        {
            LibvirtRemote.Transport.Sasl.Server.SaslUserDatabase? users = saslDb is null ? null : await LibvirtRemote.Transport.Sasl.Server.SaslUserDatabase.LoadAsync(saslDb).ConfigureAwait(false);
            host = await ServerHost.StartAsync(config, new TestBackend(keepState), unixDir, (level, message) => Console.Error.WriteLine($"{level}: {message}"), verbose ? LogLevelName.Debug : null, saslUsers: users).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or UnauthorizedAccessException or System.Net.Sockets.SocketException
            or System.Security.Cryptography.CryptographicException or FormatException)
        {
            Console.Error.WriteLine($"serve: {path}: {e.Message}");
            return 1;
        }

        await using (host.ConfigureAwait(false))
        {
            Console.WriteLine($"listening on unix {host.UnixSocket} (read-write, auth {Name(config.AuthUnixRw)}) and {host.ReadOnlySocket} (read-only, auth {Name(config.AuthUnixRo)})");
            if (host.TcpEndPoint is { } tcp)
            {
                Console.WriteLine($"listening on tcp {tcp} (auth {Name(config.AuthTcp)}): virsh -c test+tcp://HOST:{tcp.Port}/default");
            }

            if (host.TlsEndPoint is { } tls)
            {
                Console.WriteLine($"listening on tls {tls} (auth {Name(config.AuthTls)}): virsh -c test+tls://HOST:{tls.Port}/default");
            }

            Console.WriteLine($"or: virsh -c 'test+unix:///default?socket={host.UnixSocket}' list --all");
            await WaitForStopAsync(host.Server.AutoShutdown).ConfigureAwait(false);
        }

        return 0;
    }

    private static string Name(ServerAuth auth) => auth.ToString().ToLowerInvariant();

    // Ctrl-C, SIGTERM, or the idle timeout an admin client set (virt-admin daemon-timeout) stops the server.
    private static async Task WaitForStopAsync(CancellationToken autoShutdown)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(autoShutdown);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
