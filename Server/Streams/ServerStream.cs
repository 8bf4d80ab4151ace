using System.Buffers.Binary;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Connections;

namespace LibvirtRemote.Server.Streams;

/// <summary>
/// The stream a call opened. A handler registers the stream's work with <see cref="Start"/>; it runs once the call's
/// reply has been queued. For a download the work writes data and holes and returns, and the server then sends the
/// end marker and completes the finish handshake; for an upload it reads chunks until <see cref="StreamChunk.IsEnd"/>
/// and returns, and the server confirms the client's finish. An exception from the work aborts the stream with that
/// error; a client abort cancels the work's token.
/// </summary>
public sealed class ServerStream
{
    /// <summary>Largest data packet libvirt sends.</summary>
    public const int MaxChunk = 262120;

    // A packet is written only once the previous ones have reached the transport, whose own buffer keeps the socket
    // busy meanwhile: the packet then finds the outbox idle and is copied once, straight into the transport.
    private const long OutputRoom = 0;

    private readonly ClientConnection _connection;
    private readonly VirNetMessageHeader _header;
    private readonly Lock _gate = new();
    private readonly Queue<StreamChunk> _incoming = new();
    private readonly CancellationTokenSource _aborted;
    private TaskCompletionSource? _incomingWaiter;
    private TaskCompletionSource? _finishWaiter;
    private Func<ServerStream, CancellationToken, Task>? _work;
    private bool _clientFinished;
    private bool _clientAborted;
    private bool _done;

    internal ServerStream(ClientConnection connection, ServerCall call)
    {
        _connection = connection;
        _header = new VirNetMessageHeader { Prog = call.Header.Prog, Vers = call.Header.Vers, Proc = call.Header.Proc, Serial = call.Header.Serial };
        Direction = call.Info.Stream;
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(connection.Closing);
    }

    /// <summary>Which way data flows, seen from the client.</summary>
    public StreamDirection Direction { get; }

    /// <summary>
    /// Whether holes may travel on this stream: set it when the call carried the procedure's sparse flag. A hole
    /// from a client that did not ask for them is a protocol error that ends the connection, as in libvirtd.
    /// </summary>
    public bool HolesAllowed { get; set; }

    internal uint Serial => _header.Serial;

    internal int Procedure => _header.Proc;

    /// <summary>Registers the stream's work; it starts after the reply to the opening call.</summary>
    public void Start(Func<ServerStream, CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        _work = work;
    }

    /// <summary>Sends data to the client (download streams), in packets of at most <see cref="MaxChunk"/> bytes.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        EnsureDirection(StreamDirection.Read);
        while (data.Length > 0)
        {
            await _connection.Outbox.WaitForRoomAsync(OutputRoom).WaitAsync(cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            _aborted.Token.ThrowIfCancellationRequested();
            int take = Math.Min(data.Length, MaxChunk);
            _connection.Outbox.SendRaw(Header(VirNetMessageType.Stream, VirNetMessageStatus.Continue), data.Span[..take]);
            data = data[take..];
        }
    }

    /// <summary>Tells the client a hole of <paramref name="length"/> bytes follows (download streams with holes allowed).</summary>
    public async ValueTask SendHoleAsync(long length, CancellationToken cancellationToken = default)
    {
        EnsureDirection(StreamDirection.Read);
        if (!HolesAllowed)
        {
            throw new InvalidOperationException("The client did not ask for a sparse stream");
        }

        await _connection.Outbox.WaitForRoomAsync(OutputRoom).WaitAsync(cancellationToken).ConfigureAwait(false);
        Span<byte> body = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(body, length);
        BinaryPrimitives.WriteUInt32BigEndian(body[8..], 0);
        _connection.Outbox.SendRaw(Header(VirNetMessageType.StreamHole, VirNetMessageStatus.Continue), body);
    }

    /// <summary>Takes the next chunk the client sent (upload streams).</summary>
    public async ValueTask<StreamChunk> ReadAsync(CancellationToken cancellationToken = default)
    {
        EnsureDirection(StreamDirection.Write);
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_incoming.TryDequeue(out StreamChunk chunk))
                {
                    _connection.ReleaseRequestSlot();
                    return chunk;
                }

                if (_clientFinished)
                {
                    return StreamChunk.End;
                }

                _aborted.Token.ThrowIfCancellationRequested();
                _incomingWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _incomingWaiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the registered work once the reply has been queued (called by the connection).</summary>
    internal async Task RunAsync()
    {
        Exception? failure = null;
        try
        {
            if (_work is not null)
            {
                await _work(this, _aborted.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (_clientAborted || _connection.Closing.IsCancellationRequested)
        {
            Finish();
            return;
        }

        if (failure is not null)
        {
            _connection.SendStreamError(_header, failure);
            Finish();
            return;
        }

        if (Direction == StreamDirection.Read)
        {
            // The end marker; the client answers with its finish, which we confirm.
            _connection.Outbox.SendRaw(Header(VirNetMessageType.Stream, VirNetMessageStatus.Continue), default);
            Task finished;
            lock (_gate)
            {
                _finishWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                finished = _clientFinished || _clientAborted ? Task.CompletedTask : _finishWaiter.Task;
            }

            try
            {
                await finished.WaitAsync(_connection.Closing).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Finish();
                return;
            }
        }
        else
        {
            // Anything the work left unread is dropped; its request slots are given back.
            lock (_gate)
            {
                while (_incoming.TryDequeue(out _))
                {
                    _connection.ReleaseRequestSlot();
                }
            }
        }

        if (!_clientAborted)
        {
            _connection.Outbox.SendRaw(Header(VirNetMessageType.Stream, VirNetMessageStatus.Ok), default);
        }

        Finish();
    }

    /// <summary>Handles a packet the client sent on this stream. Returns false when it breaks the protocol.</summary>
    internal bool OnPacket(in VirNetMessageHeader header, System.Buffers.ReadOnlySequence<byte> body, out bool holdsSlot)
    {
        holdsSlot = false;
        TaskCompletionSource? wake = null;
        TaskCompletionSource? finish = null;
        bool sendAbortConfirm = false;
        lock (_gate)
        {
            if (_done)
            {
                return true;
            }

            switch (header.Type, header.Status)
            {
                case (VirNetMessageType.Stream, VirNetMessageStatus.Continue) when Direction == StreamDirection.Write:
                    if (body.Length == 0)
                    {
                        return true;
                    }

                    _incoming.Enqueue(StreamChunk.OfData(System.Buffers.BuffersExtensions.ToArray(body)));
                    holdsSlot = true;
                    break;
                case (VirNetMessageType.StreamHole, _) when Direction == StreamDirection.Write:
                    if (!HolesAllowed || body.Length < 12)
                    {
                        return false;
                    }

                    Span<byte> hole = stackalloc byte[12];
                    System.Buffers.BuffersExtensions.CopyTo(body.Slice(0, 12), hole);
                    _incoming.Enqueue(StreamChunk.OfHole(BinaryPrimitives.ReadInt64BigEndian(hole)));
                    holdsSlot = true;
                    break;
                case (VirNetMessageType.Stream, VirNetMessageStatus.Ok):
                    _clientFinished = true;
                    finish = _finishWaiter;
                    break;
                case (VirNetMessageType.Stream, VirNetMessageStatus.Error):
                    _clientAborted = true;
                    _clientFinished = true;
                    finish = _finishWaiter;
                    sendAbortConfirm = true;
                    break;
                default:
                    // A hole on a download stream means nothing here; libvirtd ignores it too. On an upload
                    // stream it is handled above, so only unexpected packet kinds arrive here.
                    return header.Type != VirNetMessageType.StreamHole || Direction == StreamDirection.Read;
            }

            wake = _incomingWaiter;
            _incomingWaiter = null;
        }

        if (sendAbortConfirm)
        {
            _aborted.Cancel();
            _connection.Outbox.SendRaw(Header(VirNetMessageType.Stream, VirNetMessageStatus.Ok), default);
        }

        wake?.TrySetResult();
        finish?.TrySetResult();
        return true;
    }

    private void Finish()
    {
        lock (_gate)
        {
            _done = true;
            while (_incoming.TryDequeue(out _))
            {
                _connection.ReleaseRequestSlot();
            }
        }

        _connection.RemoveStream(this);
        _aborted.Dispose();
    }

    private VirNetMessageHeader Header(VirNetMessageType type, VirNetMessageStatus status)
    {
        VirNetMessageHeader header = _header;
        header.Type = type;
        header.Status = status;
        return header;
    }

    private void EnsureDirection(StreamDirection expected)
    {
        if (Direction != expected)
        {
            throw new InvalidOperationException(expected == StreamDirection.Read ? "This stream carries data from the client" : "This stream carries data to the client");
        }
    }
}
