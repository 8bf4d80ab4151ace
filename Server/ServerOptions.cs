namespace LibvirtRemote.Server;

/// <summary>Limits and timers of a server, with libvirtd's defaults.</summary>
public sealed record ServerOptions
{
    /// <summary>Most clients connected at once (<c>max_clients</c>); further connections are closed at once.</summary>
    public int MaxClients { get; init; } = 5000;

    /// <summary>Listen backlog of each socket (<c>max_queued_clients</c>).</summary>
    public int MaxQueuedClients { get; init; } = 1000;

    /// <summary>Most clients connected but not yet authenticated (<c>max_anonymous_clients</c>).</summary>
    public int MaxAnonymousClients { get; init; } = 20;

    /// <summary>Calls of one client in progress before the server stops reading from it (<c>max_client_requests</c>).</summary>
    public int MaxClientRequests { get; init; } = 5;

    /// <summary>Idle time before the server pings a client that asked for keepalive (<c>keepalive_interval</c>); zero or less disables.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Unanswered pings after which the client is dropped (<c>keepalive_count</c>).</summary>
    public int KeepaliveCount { get; init; } = 5;

    /// <summary>
    /// How long a client may take to authenticate (or, on listeners without authentication, to send its first
    /// complete message) before it is dropped; protects the anonymous-client slots from slow or silent peers.
    /// </summary>
    public TimeSpan AuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Most bytes of unsent output (replies, events, stream data) a client may have queued. A client that lets more
    /// pile up by not reading is disconnected rather than allowed to grow the server's memory.
    /// </summary>
    public long MaxOutputBacklog { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Longest the calls taken from one receive may run on the thread that received them (with inline socket
    /// completions, the runtime's epoll thread, shared by many connections). A connection whose batches take longer a
    /// few times within seconds is served from the thread pool from then on, so a slow or blocking handler holds up
    /// other clients only briefly (a few times, because on a busy machine a preempted thread makes a quick batch look
    /// slow now and then). Zero or less serves every connection from the pool.
    /// </summary>
    public TimeSpan InlineBudget { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary><c>min_workers</c>, reported to admin clients (see README: there is no such pool).</summary>
    public uint MinWorkers { get; init; } = 5;

    /// <summary><c>max_workers</c>.</summary>
    public uint MaxWorkers { get; init; } = 20;

    /// <summary><c>prio_workers</c>.</summary>
    public uint PrioWorkers { get; init; } = 5;

    /// <summary><c>admin_min_workers</c>.</summary>
    public uint AdminMinWorkers { get; init; } = 5;

    /// <summary><c>admin_max_workers</c>.</summary>
    public uint AdminMaxWorkers { get; init; } = 20;

    /// <summary><c>admin_max_clients</c>.</summary>
    public uint AdminMaxClients { get; init; } = 5000;
}
