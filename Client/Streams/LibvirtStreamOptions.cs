namespace LibvirtRemote.Client.Streams;

/// <summary>
/// Limits of one <see cref="LibvirtStream"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Buffering policy.</b> Incoming data is copied off the connection's read loop into a queue of pooled
/// buffers. The read loop serves every call, event and keepalive PING of the connection, so it never waits for
/// a slow stream reader: doing so would stall all other traffic and, after about 30 s, get the connection
/// dropped by the server's keepalive. libvirtd sends the next chunk of a download as soon as the previous one
/// left its socket, so nothing upstream slows down either: a reader slower than the source makes the queue grow.
/// </para>
/// <para>
/// Past <see cref="BufferLimit"/> the stream therefore keeps buffering (no byte is ever dropped, as with
/// libvirt's own client) and records it in <see cref="LibvirtStream.BufferLimitExceeded"/> and
/// <see cref="LibvirtStream.PeakBufferedBytes"/>; the reader catches up at its own pace. When
/// <see cref="MaxBufferedBytes"/> is set and exceeded, the stream is aborted instead (the server is sent an
/// abort, reads fail with <see cref="StreamBufferOverflowException"/>), which bounds memory at the cost of the
/// transfer; the connection and its other calls are not affected.
/// </para>
/// </remarks>
public sealed record LibvirtStreamOptions
{
    /// <summary>The defaults: 4 MiB soft limit, no hard limit, 30 s to confirm a finish or abort.</summary>
    public static LibvirtStreamOptions Default { get; } = new();

    /// <summary>Soft limit of received-but-unread bytes; exceeding it is recorded, not enforced.</summary>
    public long BufferLimit { get; init; } = 4 * 1024 * 1024;

    /// <summary>Hard limit of received-but-unread bytes, or <see langword="null"/> for none (libvirt's behaviour).</summary>
    public long? MaxBufferedBytes { get; init; }

    /// <summary>How long a finish or abort waits for the server's confirmation.</summary>
    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
