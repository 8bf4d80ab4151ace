namespace LibvirtRemote.Client.Admin;

/// <summary>Typed parameter names of a server's worker pool (virAdmServerGet/SetThreadPoolParameters).</summary>
public static class ThreadPoolParameters
{
    /// <summary>VIR_THREADPOOL_WORKERS_MIN (uint, settable).</summary>
    public const string WorkersMin = "minWorkers";

    /// <summary>VIR_THREADPOOL_WORKERS_MAX (uint, settable).</summary>
    public const string WorkersMax = "maxWorkers";

    /// <summary>VIR_THREADPOOL_WORKERS_PRIORITY (uint, settable).</summary>
    public const string WorkersPriority = "prioWorkers";

    /// <summary>VIR_THREADPOOL_WORKERS_FREE (uint, read only).</summary>
    public const string WorkersFree = "freeWorkers";

    /// <summary>VIR_THREADPOOL_WORKERS_CURRENT (uint, read only).</summary>
    public const string WorkersCurrent = "nWorkers";

    /// <summary>VIR_THREADPOOL_JOB_QUEUE_DEPTH (uint, read only).</summary>
    public const string JobQueueDepth = "jobQueueDepth";
}

/// <summary>Typed parameter names of a server's client limits (virAdmServerGet/SetClientLimits).</summary>
public static class ClientLimitParameters
{
    /// <summary>VIR_SERVER_CLIENTS_MAX (uint, settable).</summary>
    public const string ClientsMax = "nclients_max";

    /// <summary>VIR_SERVER_CLIENTS_CURRENT (uint, read only).</summary>
    public const string ClientsCurrent = "nclients";

    /// <summary>VIR_SERVER_CLIENTS_UNAUTH_MAX (uint, settable).</summary>
    public const string UnauthenticatedClientsMax = "nclients_unauth_max";

    /// <summary>VIR_SERVER_CLIENTS_UNAUTH_CURRENT (uint, read only).</summary>
    public const string UnauthenticatedClientsCurrent = "nclients_unauth";
}

/// <summary>Typed parameter names of a client's identity (virAdmClientGetInfo); which appear depends on the transport.</summary>
public static class ClientInfoParameters
{
    /// <summary>VIR_CLIENT_INFO_READONLY (boolean).</summary>
    public const string ReadOnly = "readonly";

    /// <summary>VIR_CLIENT_INFO_SOCKET_ADDR (string, TCP and TLS).</summary>
    public const string SocketAddress = "sock_addr";

    /// <summary>VIR_CLIENT_INFO_SASL_USER_NAME (string).</summary>
    public const string SaslUserName = "sasl_user_name";

    /// <summary>VIR_CLIENT_INFO_X509_DISTINGUISHED_NAME (string).</summary>
    public const string X509DistinguishedName = "tls_x509_dname";

    /// <summary>VIR_CLIENT_INFO_UNIX_USER_ID (int).</summary>
    public const string UnixUserId = "unix_user_id";

    /// <summary>VIR_CLIENT_INFO_UNIX_USER_NAME (string).</summary>
    public const string UnixUserName = "unix_user_name";

    /// <summary>VIR_CLIENT_INFO_UNIX_GROUP_ID (int).</summary>
    public const string UnixGroupId = "unix_group_id";

    /// <summary>VIR_CLIENT_INFO_UNIX_GROUP_NAME (string).</summary>
    public const string UnixGroupName = "unix_group_name";

    /// <summary>VIR_CLIENT_INFO_UNIX_PROCESS_ID (int).</summary>
    public const string UnixProcessId = "unix_process_id";

    /// <summary>VIR_CLIENT_INFO_SELINUX_CONTEXT (string).</summary>
    public const string SelinuxContext = "selinux_context";
}

/// <summary>How a client reached the daemon (virClientTransport).</summary>
public enum AdminClientTransport
{
    /// <summary>VIR_CLIENT_TRANS_UNIX.</summary>
    Unix = 0,

    /// <summary>VIR_CLIENT_TRANS_TCP (plain, possibly with a SASL layer).</summary>
    Tcp = 1,

    /// <summary>VIR_CLIENT_TRANS_TLS.</summary>
    Tls = 2,
}
