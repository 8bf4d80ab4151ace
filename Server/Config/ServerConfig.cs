using LibvirtRemote.Transport.Config;

namespace LibvirtRemote.Server.Config;

/// <summary>
/// The server's settings, read from libvirtd.conf syntax with libvirtd's keys, types and defaults. Keys libvirtd does
/// not know are ignored, as libvirtd ignores them; a known key with a value of the wrong type or an unsupported
/// value is an error naming the file, line and key.
/// </summary>
/// <remarks>
/// Defaults are libvirtd's for an unprivileged daemon built with SASL and polkit support; pass
/// <c>privileged: true</c> to get the root daemon's (polkit on the Unix sockets and a world-writable read-write
/// socket). Paths that libvirtd derives at start-up (socket directory, PKI files) are null here, meaning "the
/// server's default location".
/// </remarks>
public sealed record ServerConfig
{
    /// <summary>libvirtd's lowest accepted <c>tcp_min_ssf</c>.</summary>
    public const uint MinimumSsf = 56;

    /// <summary><c>listen_tcp</c>: accept plain TCP connections (default off).</summary>
    public bool ListenTcp { get; init; }

    /// <summary><c>listen_tls</c>: accept TLS connections (libvirtd: on, honoured only with <c>--listen</c>).</summary>
    public bool ListenTls { get; init; } = true;

    /// <summary><c>tcp_port</c>: port or service name for plain TCP.</summary>
    public string TcpPort { get; init; } = "16509";

    /// <summary><c>tls_port</c>: port or service name for TLS.</summary>
    public string TlsPort { get; init; } = "16514";

    /// <summary><c>listen_addr</c>: address to bind TCP and TLS to; null for every address.</summary>
    public string? ListenAddr { get; init; }

    /// <summary><c>unix_sock_dir</c>: directory of the Unix sockets; null for the server's default.</summary>
    public string? UnixSockDir { get; init; }

    /// <summary><c>unix_sock_group</c>: group owning the sockets; null to keep the process's group.</summary>
    public string? UnixSockGroup { get; init; }

    /// <summary><c>unix_sock_ro_perms</c>: octal mode of the read-only socket.</summary>
    public string UnixSockRoPerms { get; init; } = "0777";

    /// <summary><c>unix_sock_rw_perms</c>: octal mode of the read-write socket (0777 when its auth is polkit).</summary>
    public string UnixSockRwPerms { get; init; } = "0700";

    /// <summary><c>unix_sock_admin_perms</c>: octal mode of the admin socket.</summary>
    public string UnixSockAdminPerms { get; init; } = "0700";

    /// <summary><c>auth_unix_rw</c>.</summary>
    public ServerAuth AuthUnixRw { get; init; } = ServerAuth.None;

    /// <summary><c>auth_unix_ro</c>.</summary>
    public ServerAuth AuthUnixRo { get; init; } = ServerAuth.None;

    /// <summary><c>auth_tcp</c> (libvirtd: sasl).</summary>
    public ServerAuth AuthTcp { get; init; } = ServerAuth.Sasl;

    /// <summary><c>auth_tls</c>.</summary>
    public ServerAuth AuthTls { get; init; } = ServerAuth.None;

    /// <summary><c>access_drivers</c>: access control drivers (e.g. <c>polkit</c>); empty for none.</summary>
    public IReadOnlyList<string> AccessDrivers { get; init; } = [];

    /// <summary><c>key_file</c>: server private key (PEM); null for the default PKI path.</summary>
    public string? KeyFile { get; init; }

    /// <summary><c>cert_file</c>: server certificate (PEM); null for the default PKI path.</summary>
    public string? CertFile { get; init; }

    /// <summary><c>ca_file</c>: CA certificate(s) (PEM); null for the default PKI path.</summary>
    public string? CaFile { get; init; }

    /// <summary><c>crl_file</c>: certificate revocation list; null for none.</summary>
    public string? CrlFile { get; init; }

    /// <summary><c>tls_no_sanity_certificate</c>: skip the start-up checks of our own certificate.</summary>
    public bool TlsNoSanityCertificate { get; init; }

    /// <summary><c>tls_no_verify_certificate</c>: accept clients without checking their certificate.</summary>
    public bool TlsNoVerifyCertificate { get; init; }

    /// <summary><c>tls_allowed_dn_list</c>: fnmatch patterns for client certificate subjects; null for any.</summary>
    public IReadOnlyList<string>? TlsAllowedDnList { get; init; }

    /// <summary><c>tls_priority</c>: GnuTLS priority string; null for the default.</summary>
    public string? TlsPriority { get; init; }

    /// <summary><c>tcp_min_ssf</c>: minimum SASL security strength on plain TCP (at least 56).</summary>
    public uint TcpMinSsf { get; init; } = MinimumSsf;

    /// <summary><c>sasl_allowed_username_list</c>: fnmatch patterns for SASL user names; null for any.</summary>
    public IReadOnlyList<string>? SaslAllowedUsernameList { get; init; }

    /// <summary><c>min_workers</c>.</summary>
    public uint MinWorkers { get; init; } = 5;

    /// <summary><c>max_workers</c> (at least 1).</summary>
    public uint MaxWorkers { get; init; } = 20;

    /// <summary><c>prio_workers</c>.</summary>
    public uint PrioWorkers { get; init; } = 5;

    /// <summary><c>max_clients</c>: connected clients at most.</summary>
    public uint MaxClients { get; init; } = 5000;

    /// <summary><c>max_queued_clients</c>: pending connections (listen backlog).</summary>
    public uint MaxQueuedClients { get; init; } = 1000;

    /// <summary><c>max_anonymous_clients</c>: clients still authenticating at most.</summary>
    public uint MaxAnonymousClients { get; init; } = 20;

    /// <summary><c>max_client_requests</c>: calls in flight per client before the server stops reading it.</summary>
    public uint MaxClientRequests { get; init; } = 5;

    /// <summary><c>admin_min_workers</c>.</summary>
    public uint AdminMinWorkers { get; init; } = 5;

    /// <summary><c>admin_max_workers</c>.</summary>
    public uint AdminMaxWorkers { get; init; } = 20;

    /// <summary><c>admin_max_clients</c>.</summary>
    public uint AdminMaxClients { get; init; } = 5000;

    /// <summary><c>admin_max_queued_clients</c>.</summary>
    public uint AdminMaxQueuedClients { get; init; } = 20;

    /// <summary><c>admin_max_client_requests</c>.</summary>
    public uint AdminMaxClientRequests { get; init; } = 5;

    /// <summary><c>keepalive_interval</c>: seconds of silence before a ping; -1 disables keepalive.</summary>
    public int KeepaliveInterval { get; init; } = 5;

    /// <summary><c>keepalive_count</c>: unanswered pings before the client is dropped.</summary>
    public uint KeepaliveCount { get; init; } = 5;

    /// <summary><c>admin_keepalive_interval</c>.</summary>
    public int AdminKeepaliveInterval { get; init; } = 5;

    /// <summary><c>admin_keepalive_count</c>.</summary>
    public uint AdminKeepaliveCount { get; init; } = 5;

    /// <summary><c>log_level</c>: 1 debug … 4 error; 0 when not set (use the logging default).</summary>
    public uint LogLevel { get; init; }

    /// <summary><c>log_filters</c>; null when not set.</summary>
    public string? LogFilters { get; init; }

    /// <summary><c>log_outputs</c>; null when not set.</summary>
    public string? LogOutputs { get; init; }

    /// <summary><c>audit_level</c>.</summary>
    public uint AuditLevel { get; init; } = 1;

    /// <summary><c>audit_logging</c>.</summary>
    public bool AuditLogging { get; init; }

    /// <summary><c>host_uuid</c>; null when not set.</summary>
    public string? HostUuid { get; init; }

    /// <summary><c>host_uuid_source</c>; null when not set.</summary>
    public string? HostUuidSource { get; init; }

    /// <summary><c>ovs_timeout</c>: seconds for Open vSwitch calls.</summary>
    public uint OvsTimeout { get; init; } = 5;

    /// <summary>The read-only socket's mode.</summary>
    public UnixFileMode UnixSockRoMode => ParseMode(UnixSockRoPerms);

    /// <summary>The read-write socket's mode.</summary>
    public UnixFileMode UnixSockRwMode => ParseMode(UnixSockRwPerms);

    /// <summary>The admin socket's mode.</summary>
    public UnixFileMode UnixSockAdminMode => ParseMode(UnixSockAdminPerms);

    /// <summary>libvirtd's defaults.</summary>
    /// <param name="privileged">The root daemon's defaults (polkit on the Unix sockets, read-write socket 0777).</param>
    public static ServerConfig CreateDefault(bool privileged = false) => privileged
        ? new ServerConfig { AuthUnixRw = ServerAuth.Polkit, AuthUnixRo = ServerAuth.Polkit, UnixSockRwPerms = "0777" }
        : new ServerConfig();

    /// <summary>Reads a libvirtd.conf-style file.</summary>
    /// <exception cref="ConfFileException">Bad syntax, a value of the wrong type, or an unsupported value.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<ServerConfig> LoadAsync(string path, bool privileged = false, CancellationToken cancellationToken = default)
    {
        LibvirtConfFile file = await LibvirtConfFile.LoadAsync(path, cancellationToken).ConfigureAwait(false);
        return FromFile(file, privileged);
    }

    /// <summary>Reads a libvirtd.conf-style file synchronously (start-up code).</summary>
    /// <exception cref="ConfFileException">Bad syntax, a value of the wrong type, or an unsupported value.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ServerConfig Load(string path, bool privileged = false) => FromFile(LibvirtConfFile.Load(path), privileged);

    /// <summary>Parses libvirtd.conf-style text.</summary>
    /// <param name="text">The configuration.</param>
    /// <param name="sourceName">Named in error messages.</param>
    /// <param name="privileged">Start from the root daemon's defaults.</param>
    /// <exception cref="ConfFileException">Bad syntax, a value of the wrong type, or an unsupported value.</exception>
    public static ServerConfig Parse(string text, string sourceName = "libvirtd.conf", bool privileged = false)
        => FromFile(LibvirtConfFile.Parse(text, sourceName), privileged);

    /// <summary>Applies the settings of a parsed file over libvirtd's defaults.</summary>
    /// <exception cref="ConfFileException">A value of the wrong type or an unsupported value.</exception>
    public static ServerConfig FromFile(LibvirtConfFile file, bool privileged = false)
    {
        ArgumentNullException.ThrowIfNull(file);
        ServerConfig d = CreateDefault(privileged);
        ServerAuth authUnixRw = Auth(file, "auth_unix_rw", d.AuthUnixRw);

        // As libvirtd: choosing polkit for the read-write socket opens its default mode, and an explicit
        // unix_sock_rw_perms still wins.
        string rwPermsDefault = authUnixRw == ServerAuth.Polkit ? "0777" : d.UnixSockRwPerms;
        uint tcpMinSsf = UInt(file, "tcp_min_ssf", d.TcpMinSsf);
        if (tcpMinSsf < MinimumSsf)
        {
            throw file.Error(file.Find("tcp_min_ssf")!, $"minimum SSF levels lower than {MinimumSsf} are not supported");
        }

        uint maxWorkers = UInt(file, "max_workers", d.MaxWorkers);
        if (maxWorkers < 1)
        {
            throw file.Error(file.Find("max_workers")!, "must be greater than 0");
        }

        return new ServerConfig
        {
            ListenTcp = Bool(file, "listen_tcp", d.ListenTcp),
            ListenTls = Bool(file, "listen_tls", d.ListenTls),
            TlsPort = String(file, "tls_port", d.TlsPort),
            TcpPort = String(file, "tcp_port", d.TcpPort),
            ListenAddr = OptionalString(file, "listen_addr"),
            AuthUnixRw = authUnixRw,
            AuthUnixRo = Auth(file, "auth_unix_ro", d.AuthUnixRo),
            AuthTcp = Auth(file, "auth_tcp", d.AuthTcp),
            AuthTls = Auth(file, "auth_tls", d.AuthTls),
            AccessDrivers = file.TryGetStringList("access_drivers", out IReadOnlyList<string> drivers) ? drivers : [],
            UnixSockGroup = OptionalString(file, "unix_sock_group"),
            UnixSockAdminPerms = Perms(file, "unix_sock_admin_perms", d.UnixSockAdminPerms),
            UnixSockRoPerms = Perms(file, "unix_sock_ro_perms", d.UnixSockRoPerms),
            UnixSockRwPerms = Perms(file, "unix_sock_rw_perms", rwPermsDefault),
            UnixSockDir = OptionalString(file, "unix_sock_dir"),
            TlsNoSanityCertificate = Bool(file, "tls_no_sanity_certificate", d.TlsNoSanityCertificate),
            TlsNoVerifyCertificate = Bool(file, "tls_no_verify_certificate", d.TlsNoVerifyCertificate),
            KeyFile = OptionalString(file, "key_file"),
            CertFile = OptionalString(file, "cert_file"),
            CaFile = OptionalString(file, "ca_file"),
            CrlFile = OptionalString(file, "crl_file"),
            TlsAllowedDnList = file.TryGetStringList("tls_allowed_dn_list", out IReadOnlyList<string> dns) ? dns : null,
            TlsPriority = OptionalString(file, "tls_priority"),
            TcpMinSsf = tcpMinSsf,
            SaslAllowedUsernameList = file.TryGetStringList("sasl_allowed_username_list", out IReadOnlyList<string> users) ? users : null,
            MinWorkers = UInt(file, "min_workers", d.MinWorkers),
            MaxWorkers = maxWorkers,
            MaxClients = UInt(file, "max_clients", d.MaxClients),
            MaxQueuedClients = UInt(file, "max_queued_clients", d.MaxQueuedClients),
            MaxAnonymousClients = UInt(file, "max_anonymous_clients", d.MaxAnonymousClients),
            PrioWorkers = UInt(file, "prio_workers", d.PrioWorkers),
            MaxClientRequests = UInt(file, "max_client_requests", d.MaxClientRequests),
            AdminMinWorkers = UInt(file, "admin_min_workers", d.AdminMinWorkers),
            AdminMaxWorkers = UInt(file, "admin_max_workers", d.AdminMaxWorkers),
            AdminMaxClients = UInt(file, "admin_max_clients", d.AdminMaxClients),
            AdminMaxQueuedClients = UInt(file, "admin_max_queued_clients", d.AdminMaxQueuedClients),
            AdminMaxClientRequests = UInt(file, "admin_max_client_requests", d.AdminMaxClientRequests),
            AuditLevel = UInt(file, "audit_level", d.AuditLevel),
            AuditLogging = Bool(file, "audit_logging", d.AuditLogging),
            HostUuid = OptionalString(file, "host_uuid"),
            HostUuidSource = OptionalString(file, "host_uuid_source"),
            LogLevel = UInt(file, "log_level", d.LogLevel),
            LogFilters = OptionalString(file, "log_filters"),
            LogOutputs = OptionalString(file, "log_outputs"),
            KeepaliveInterval = Int(file, "keepalive_interval", d.KeepaliveInterval),
            KeepaliveCount = UInt(file, "keepalive_count", d.KeepaliveCount),
            AdminKeepaliveInterval = Int(file, "admin_keepalive_interval", d.AdminKeepaliveInterval),
            AdminKeepaliveCount = UInt(file, "admin_keepalive_count", d.AdminKeepaliveCount),
            OvsTimeout = UInt(file, "ovs_timeout", d.OvsTimeout),
        };
    }

    private static bool Bool(LibvirtConfFile file, string key, bool fallback) => file.TryGetBool(key, out bool v) ? v : fallback;

    private static uint UInt(LibvirtConfFile file, string key, uint fallback) => file.TryGetUInt32(key, out uint v) ? v : fallback;

    private static int Int(LibvirtConfFile file, string key, int fallback) => file.TryGetInt32(key, out int v) ? v : fallback;

    private static string String(LibvirtConfFile file, string key, string fallback) => file.TryGetString(key, out string v) ? v : fallback;

    private static string? OptionalString(LibvirtConfFile file, string key) => file.TryGetString(key, out string v) ? v : null;

    private static ServerAuth Auth(LibvirtConfFile file, string key, ServerAuth fallback)
    {
        if (!file.TryGetString(key, out string value))
        {
            return fallback;
        }

        return value switch
        {
            "none" => ServerAuth.None,
            "sasl" => ServerAuth.Sasl,
            "polkit" => ServerAuth.Polkit,
            _ => throw file.Error(file.Find(key)!, $"unsupported auth {value} (expected none, sasl or polkit)"),
        };
    }

    private static string Perms(LibvirtConfFile file, string key, string fallback)
    {
        if (!file.TryGetString(key, out string value))
        {
            return fallback;
        }

        // libvirtd only finds out at socket creation ("Failed to parse mode"); failing at load names the line.
        if (!TryParseMode(value, out _))
        {
            throw file.Error(file.Find(key)!, $"'{value}' is not an octal file mode (e.g. \"0770\")");
        }

        return value;
    }

    private static UnixFileMode ParseMode(string perms)
        => TryParseMode(perms, out UnixFileMode mode) ? mode : throw new FormatException($"'{perms}' is not an octal file mode");

    private static bool TryParseMode(string text, out UnixFileMode mode)
    {
        mode = 0;
        if (text.Length is 0 or > 5)
        {
            return false;
        }

        int value = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            value = (value * 8) + (c - '0');
        }

        if (value > 0xFFF)
        {
            return false;
        }

        mode = (UnixFileMode)value;
        return true;
    }
}
