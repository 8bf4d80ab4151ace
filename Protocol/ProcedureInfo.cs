namespace LibvirtRemote.Protocol;

/// <summary>Which way a procedure's stream carries data, seen from the client.</summary>
public enum StreamDirection
{
    /// <summary>The procedure opens no stream.</summary>
    None,

    /// <summary>Data flows from the server to the client (download, screenshot, console output).</summary>
    Read,

    /// <summary>Data flows from the client to the server (upload, tunnelled migration).</summary>
    Write,
}

/// <summary>Whether a procedure passes file descriptors (Unix sockets only).</summary>
[Flags]
public enum FdPassing
{
    /// <summary>No descriptors.</summary>
    None = 0,

    /// <summary>The call carries descriptors (CALL_WITH_FDS).</summary>
    In = 1,

    /// <summary>The reply carries descriptors (REPLY_WITH_FDS).</summary>
    Out = 2,
}

/// <summary>One procedure of a program: number, libvirt name, body types and metadata.</summary>
/// <param name="Number">Procedure number on the wire.</param>
/// <param name="Name">libvirt's name, e.g. <c>REMOTE_PROC_CONNECT_OPEN</c>.</param>
/// <param name="Args">Call body type, or null when the call has no body.</param>
/// <param name="Ret">Reply body type, or null when the reply has no body.</param>
/// <param name="Event">Body of the event message this procedure number carries, or null for calls.</param>
/// <param name="HighPriority">The server may run the call even while its normal workers are busy.</param>
/// <param name="Stream">Whether and which way the call opens a stream.</param>
/// <param name="SparseFlag">The call flag that allows holes in the stream (0 when holes are never allowed).</param>
/// <param name="Fds">Whether call or reply carry file descriptors.</param>
public sealed record ProcedureInfo(
    int Number,
    string Name,
    XdrTypeInfo? Args,
    XdrTypeInfo? Ret,
    XdrTypeInfo? Event,
    bool HighPriority,
    StreamDirection Stream,
    uint SparseFlag,
    FdPassing Fds)
{
    /// <summary>True for procedure numbers that only ever travel as server-to-client event messages.</summary>
    public bool IsEvent => Event is not null;

    /// <summary>
    /// The public libvirt function the server runs for this call (e.g. <c>virDomainDestroy</c>), whose name appears in
    /// libvirt's error messages; null for authentication steps and event messages.
    /// </summary>
    public string? PublicApi { get; init; }

    /// <summary>Whether and when a read-only connection is refused this call.</summary>
    public ReadOnlyPolicy ReadOnly { get; init; } = ReadOnlyPolicy.Allowed;

    /// <summary>The error domain (<c>virErrorDomain</c> number) <see cref="PublicApi"/> reports its own errors in, such as read-only refusals and unsupported calls.</summary>
    public int ErrorDomain { get; init; }
}
