using System.Diagnostics;
using System.Globalization;
using System.Net;
using LibvirtRemote.Server.Listeners;

namespace LibvirtRemote.Server.Config;

/// <summary>
/// A <see cref="LibvirtServer"/> started from a <see cref="ServerConfig"/> the way <c>libvirtd --listen</c> starts
/// from libvirtd.conf: the read-write and read-only Unix sockets in <c>unix_sock_dir</c> with their modes and group,
/// plain TCP when <c>listen_tcp</c> is set, TLS when <c>listen_tls</c> is set, each with its <c>auth_*</c> value, and
/// the limits and keepalive settings.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    /// <summary>libvirt's system location of the CA certificate (<c>ca_file</c> when unset).</summary>
    public const string DefaultCaFile = "/etc/pki/CA/cacert.pem";

    /// <summary>libvirt's system location of the server certificate (<c>cert_file</c> when unset).</summary>
    public const string DefaultCertFile = "/etc/pki/libvirt/servercert.pem";

    /// <summary>libvirt's system location of the server key (<c>key_file</c> when unset).</summary>
    public const string DefaultKeyFile = "/etc/pki/libvirt/private/serverkey.pem";

    private ServerHost(LibvirtServer server, ServerConfig config)
    {
        Server = server;
        Config = config;
    }

    /// <summary>The running server.</summary>
    public LibvirtServer Server { get; }

    /// <summary>The configuration it was started from.</summary>
    public ServerConfig Config { get; }

    /// <summary>Path of the read-write Unix socket (<c>libvirt-sock</c>).</summary>
    public string UnixSocket { get; private set; } = string.Empty;

    /// <summary>Path of the read-only Unix socket (<c>libvirt-sock-ro</c>).</summary>
    public string ReadOnlySocket { get; private set; } = string.Empty;

    /// <summary>Path of the admin socket (<c>libvirt-admin-sock</c>).</summary>
    public string AdminSocket { get; private set; } = string.Empty;

    /// <summary>Where plain TCP clients connect, or null when <c>listen_tcp</c> is off.</summary>
    public IPEndPoint? TcpEndPoint { get; private set; }

    /// <summary>Where TLS clients connect, or null when <c>listen_tls</c> is off.</summary>
    public IPEndPoint? TlsEndPoint { get; private set; }

    /// <summary>The limits and timers a configuration asks for.</summary>
    public static ServerOptions ToServerOptions(ServerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ServerOptions
        {
            MaxClients = Clamp(config.MaxClients),
            MaxQueuedClients = Clamp(config.MaxQueuedClients),
            MaxAnonymousClients = Clamp(config.MaxAnonymousClients),
            MaxClientRequests = Math.Max(1, Clamp(config.MaxClientRequests)),
            KeepaliveInterval = config.KeepaliveInterval <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(config.KeepaliveInterval),
            KeepaliveCount = Clamp(config.KeepaliveCount),
            MinWorkers = config.MinWorkers,
            MaxWorkers = config.MaxWorkers,
            PrioWorkers = config.PrioWorkers,
            AdminMinWorkers = config.AdminMinWorkers,
            AdminMaxWorkers = config.AdminMaxWorkers,
            AdminMaxClients = config.AdminMaxClients,
        };
    }

    /// <summary>The log level a configuration asks for (<c>log_level</c> 1–4); <paramref name="fallback"/> when unset.</summary>
    public static LogLevelName ToLogLevel(ServerConfig config, LogLevelName fallback = LogLevelName.Warning)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.LogLevel is >= 1 and <= 4 ? (LogLevelName)(int)config.LogLevel : fallback;
    }

    /// <summary>The TLS settings a configuration asks for: its PEM files (libvirt's system paths when unset) and client checks.</summary>
    /// <exception cref="NotSupportedException"><c>crl_file</c> is set: revocation lists are not supported.</exception>
    public static TlsServerOptions ToTlsOptions(ServerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.CrlFile is not null)
        {
            // Refusing beats silently accepting certificates the administrator revoked.
            throw new NotSupportedException($"crl_file '{config.CrlFile}': certificate revocation lists are not supported");
        }

        TlsServerOptions files = TlsServerOptions.FromPemFiles(
            config.CertFile ?? DefaultCertFile,
            config.KeyFile ?? DefaultKeyFile,
            config.CaFile ?? DefaultCaFile);
        return files with
        {
            VerifyClientCertificate = !config.TlsNoVerifyCertificate,
            AllowedDnPatterns = config.TlsAllowedDnList,
        };
    }

    /// <summary>Starts a server for <paramref name="backend"/> as <paramref name="config"/> says.</summary>
    /// <param name="config">The settings.</param>
    /// <param name="backend">The hypervisor backend.</param>
    /// <param name="defaultUnixDir">Socket directory when <c>unix_sock_dir</c> is unset (created if missing).</param>
    /// <param name="log">Receives log lines at or above <c>log_level</c>.</param>
    /// <param name="logLevel">Overrides <c>log_level</c> when set.</param>
    /// <param name="cancellationToken">Cancels the start-up (group change of the sockets).</param>
    /// <param name="saslUsers">The SASL user database, needed when any <c>auth_*</c> setting is <c>sasl</c>.</param>
    /// <exception cref="NotSupportedException">A setting this server does not implement (see <see cref="ToTlsOptions"/>).</exception>
    /// <exception cref="IOException">A socket, directory or PEM file cannot be used.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">An address cannot be bound.</exception>
    public static async Task<ServerHost> StartAsync(
        ServerConfig config,
        ServerBackend backend,
        string defaultUnixDir,
        Action<LogLevelName, string>? log = null,
        LogLevelName? logLevel = null,
        LibvirtRemote.Transport.Sasl.Server.SaslUserDatabase? saslUsers = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentException.ThrowIfNullOrEmpty(defaultUnixDir);

        // Load the PEM files before anything listens so a bad TLS setup fails the start cleanly.
        TlsServerOptions? tls = config.ListenTls ? ToTlsOptions(config) : null;
        IPAddress? address = config.ListenTcp || config.ListenTls ? await ResolveAsync(config.ListenAddr, cancellationToken).ConfigureAwait(false) : null;
        // Only listeners that are switched on count: libvirtd's default auth_tcp is "sasl" even with TCP off.
        bool wantsSasl = config.AuthUnixRw == ServerAuth.Sasl || config.AuthUnixRo == ServerAuth.Sasl
            || (config.ListenTcp && config.AuthTcp == ServerAuth.Sasl) || (config.ListenTls && config.AuthTls == ServerAuth.Sasl);
        if (wantsSasl && saslUsers is null)
        {
            throw new NotSupportedException("an auth_* setting asks for SASL, but no SASL user database was given (serve --sasl-db FILE; add users with `sasl-user add`)");
        }

        SaslServerOptions? sasl = saslUsers is null ? null : new SaslServerOptions
        {
            Users = saslUsers,
            AllowedUserNames = config.SaslAllowedUsernameList,
            TcpMinSsf = (int)Math.Min(config.TcpMinSsf, int.MaxValue),
        };
        var server = new LibvirtServer(backend, ToServerOptions(config), log) { LogLevel = logLevel ?? ToLogLevel(config), Sasl = sasl };
        var host = new ServerHost(server, config);
        if (tls is not null)
        {
            server.TlsReloader = () => ToTlsOptions(config);
        }

        try
        {
            string dir = config.UnixSockDir ?? defaultUnixDir;
            Directory.CreateDirectory(dir);
            host.UnixSocket = Path.Combine(dir, "libvirt-sock");
            host.ReadOnlySocket = Path.Combine(dir, "libvirt-sock-ro");
            server.ListenUnix(host.UnixSocket, new ListenerOptions { Auth = config.AuthUnixRw }, config.UnixSockRwMode);
            server.ListenUnix(host.ReadOnlySocket, new ListenerOptions { Auth = config.AuthUnixRo, ReadOnly = true }, config.UnixSockRoMode);
            // Like libvirtd's: no authentication, the socket's mode (and owner) is the only gate.
            host.AdminSocket = Path.Combine(dir, "libvirt-admin-sock");
            server.ListenUnix(host.AdminSocket, new ListenerOptions { Admin = true }, config.UnixSockAdminMode);
            if (config.LogFilters is not null || config.LogOutputs is not null)
            {
                server.Logging.SetFilters(config.LogFilters);
                server.Logging.SetOutputs(config.LogOutputs);
            }

            if (config.UnixSockGroup is { } group)
            {
                await ChangeGroupAsync(group, [host.UnixSocket, host.ReadOnlySocket], cancellationToken).ConfigureAwait(false);
            }

            if (config.ListenTcp)
            {
                ServerListener tcp = server.ListenTcp(new IPEndPoint(address!, Port(config.TcpPort, "tcp_port")), new ListenerOptions { Auth = config.AuthTcp });
                host.TcpEndPoint = (IPEndPoint)tcp.LocalEndPoint;
            }

            if (tls is not null)
            {
                ServerListener listener = server.ListenTls(new IPEndPoint(address!, Port(config.TlsPort, "tls_port")), new ListenerOptions { Auth = config.AuthTls }, tls);
                host.TlsEndPoint = (IPEndPoint)listener.LocalEndPoint;
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>Stops listening and disconnects every client.</summary>
    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static int Clamp(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;

    private static int Port(string text, string key)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 0 and <= 65535
            ? port
            : throw new NotSupportedException($"{key} '{text}': only numeric ports are supported");

    private static async Task<IPAddress> ResolveAsync(string? listenAddr, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(listenAddr))
        {
            // libvirtd binds every address of both families; a dual-stack IPv6 socket does the same.
            return System.Net.Sockets.Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        }

        if (IPAddress.TryParse(listenAddr, out IPAddress? parsed))
        {
            return parsed;
        }

        IPAddress[] found = await Dns.GetHostAddressesAsync(listenAddr, cancellationToken).ConfigureAwait(false);
        return found.Length > 0 ? found[0] : throw new IOException($"listen_addr '{listenAddr}' has no address");
    }

    private static async Task ChangeGroupAsync(string group, string[] paths, CancellationToken cancellationToken)
    {
        // No P/Invoke for chown: the system's chgrp resolves names and numeric ids alike.
        var start = new ProcessStartInfo("chgrp") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(group);
        foreach (string path in paths)
        {
            start.ArgumentList.Add(path);
        }

        using Process process = Process.Start(start) ?? throw new IOException("cannot run chgrp");
        string error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new IOException($"unix_sock_group '{group}': {error.Trim()}");
        }
    }
}
