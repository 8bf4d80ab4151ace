using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Connections;

/// <summary>
/// The outgoing side of one client connection. Replies, events and stream data from any thread are encoded into a
/// pending buffer under a lock; one flush loop at a time moves whole batches to the transport, so frames that are
/// produced while a flush is under way leave together in the next write. The flush runs on the thread that queued
/// the first frame (no hand-off to the pool), except while the read loop has the outbox corked: then frames gather
/// until it uncorks at the end of the batch of calls it took from one receive, and leave in one write. For a client
/// that pipelines, the read loop has that write made from the pool, which lets replies to calls arriving meanwhile
/// join it (fewer writes for the server, fewer wake-ups for the client).
/// </summary>
internal sealed class Outbox : IDisposable
{
    // The largest room asked of the transport at once: one stream packet and its header.
    private const int MaxOutputRequest = 256 * 1024 + 64;

    // Raw packets from this size up skip the queue when the outbox is idle (stream data; small frames batch better).
    private const int DirectWriteMinimum = 16 * 1024;

    private readonly PipeWriter _output;
    private readonly IFdTransport? _fds;
    private readonly Lock _gate = new();
    private readonly PooledBufferWriter _scratch = new();
    private readonly List<(long Offset, SafeHandle[] Fds)> _pendingFds = [];
    private readonly List<(long Offset, SafeHandle[] Fds)> _sendingFds = [];
    private PooledBufferWriter _pending = new();
    private PooledBufferWriter _sending = new();
    private TaskCompletionSource? _roomWaiter;
    private bool _flushing;
    private bool _corked;
    private bool _closed;
    private long _flushingBytes;

    public Outbox(PipeWriter output, IFdTransport? fds)
    {
        _output = output;
        _fds = fds;
    }

    /// <summary>Raised (once) when the transport refuses output: the peer is gone.</summary>
    public event Action<Exception?>? Failed;

    /// <summary>Bytes queued or being written.</summary>
    public long Backlog
    {
        get
        {
            lock (_gate)
            {
                return _pending.Length + _flushingBytes;
            }
        }
    }

    /// <summary>
    /// Queues one frame; false when the message cannot be encoded (nothing was queued). The outbox owns
    /// <paramref name="fds"/> from now on and closes them once they are handed to the socket.
    /// </summary>
    public bool TrySend<TBody>(in VirNetMessageHeader header, in TBody body, ReadOnlySpan<SafeHandle> fds = default)
        where TBody : IXdrType<TBody>
    {
        bool start;
        lock (_gate)
        {
            if (_closed)
            {
                foreach (SafeHandle fd in fds)
                {
                    fd.Dispose();
                }

                return true;
            }

            _scratch.Reset();
            try
            {
                if (header.Type == VirNetMessageType.ReplyWithFds)
                {
                    FrameWriter.WriteWithFds(_scratch, header, fds.Length, body);
                }
                else
                {
                    FrameWriter.Write(_scratch, header, body);
                }
            }
            catch (Exception e) when (e is XdrException or FrameException)
            {
                foreach (SafeHandle fd in fds)
                {
                    fd.Dispose();
                }

                return false;
            }

            foreach (ReadOnlyMemory<byte> segment in _scratch.AsSequence())
            {
                _pending.Write(segment.Span);
            }

            if (fds.Length > 0)
            {
                _pendingFds.Add((_pending.Length, fds.ToArray()));
            }

            start = ShouldStartFlush();
        }

        if (start)
        {
            RunFlush();
        }

        return true;
    }

    /// <summary>Queues a frame whose body is raw bytes (stream data, or an event body encoded once for many clients).</summary>
    public void SendRaw(in VirNetMessageHeader header, ReadOnlySpan<byte> body)
    {
        int frameSize = FrameLimits.LengthWordSize + FrameLimits.HeaderSize + body.Length;
        bool direct;
        bool start = false;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            // A large packet (stream data) finding the outbox idle goes straight into the transport: one copy of
            // the data instead of two. Only the flush loop writes to the transport, and it is not running.
            direct = body.Length >= DirectWriteMinimum && !_flushing && !_corked && _pending.Length == 0;
            if (direct)
            {
                _flushing = true;
                _flushingBytes = frameSize;
            }
            else
            {
                FrameWriter.Write(_pending, header, body);
                start = ShouldStartFlush();
            }
        }

        if (direct)
        {
            WriteDirect(header, body, frameSize);
        }
        else if (start)
        {
            RunFlush();
        }
    }

    private void WriteDirect(in VirNetMessageHeader header, ReadOnlySpan<byte> body, int frameSize)
    {
        try
        {
            // Room for the whole frame up front, so it lands in one buffer and leaves in one send.
            _output.GetSpan(frameSize);
            FrameWriter.Write(_output, header, body);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Fail(e);
            return;
        }

        _ = FlushLoopAsync(outputWritten: true);
    }

    /// <summary>Queues a frame whose body is a callback id word followed by pre-encoded bytes.</summary>
    public void SendWithCallbackId(in VirNetMessageHeader header, int callbackId, ReadOnlySpan<byte> rest)
    {
        bool start;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            var writer = new XdrWriter(_pending);
            Span<byte> length = writer.Reserve(FrameLimits.LengthWordSize);
            header.Encode(ref writer);
            writer.WriteInt32(callbackId);
            writer.WriteRaw(rest);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, (uint)writer.BytesWritten);
            writer.Flush();
            start = ShouldStartFlush();
        }

        // Events are queued by a publisher fanning one event out to every subscriber: writing inline would cost it a
        // system call per subscriber per event. From the pool, the events that queue up meanwhile share one write.
        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static outbox => outbox.RunFlush(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Holds frames back until <see cref="Uncork"/>: the read loop corks while it serves the calls of one receive, so
    /// their replies leave in one write. Single caller (the read loop).
    /// </summary>
    public void Cork()
    {
        lock (_gate)
        {
            _corked = true;
        }
    }

    /// <summary>
    /// Sends what gathered while corked: on this thread when no flush is under way, or from the pool when
    /// <paramref name="deferToPool"/> (frames queued until the pool gets to it leave in the same write).
    /// </summary>
    public void Uncork(bool deferToPool = false)
    {
        bool start;
        lock (_gate)
        {
            _corked = false;
            start = _pending.Length > 0 && ShouldStartFlush();
        }

        if (start)
        {
            if (deferToPool)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static outbox => outbox.RunFlush(), this, preferLocal: false);
            }
            else
            {
                RunFlush();
            }
        }
    }

    /// <summary>Completes when the backlog is at most <paramref name="limit"/> bytes (or the outbox is closed).</summary>
    public Task WaitForRoomAsync(long limit)
    {
        lock (_gate)
        {
            if (_closed || _pending.Length + _flushingBytes <= limit)
            {
                return Task.CompletedTask;
            }

            _roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _roomWaiter.Task;
        }
    }

    /// <summary>Completes once everything queued so far has been handed to the transport.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (Backlog > 0 && !cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }
            }

            await WaitForRoomAsync(0).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops everything not yet written and refuses further frames.</summary>
    public void Close()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _closed = true;
            _pending.Reset();

            // Nothing more reaches the transport, so nothing is in flight either: a flush that failed mid-way must
            // not leave a phantom backlog for DrainAsync to wait out.
            _flushingBytes = 0;
            foreach ((_, SafeHandle[] fds) in _pendingFds)
            {
                DisposeAll(fds);
            }

            _pendingFds.Clear();
            waiter = _roomWaiter;
            _roomWaiter = null;
        }

        waiter?.TrySetResult();
    }

    public void Dispose()
    {
        Close();
        lock (_gate)
        {
            if (!_flushing)
            {
                ReleaseBuffers();
            }
        }
    }

    /// <summary>Under the lock, with no flush under way: returns every buffer to the pool.</summary>
    private void ReleaseBuffers()
    {
        _scratch.ReleaseBuffers();
        _pending.ReleaseBuffers();
        _sending.ReleaseBuffers();
    }

    /// <summary>Under the lock: whether the caller must run the flush loop (after leaving the lock).</summary>
    private bool ShouldStartFlush()
    {
        if (_flushing || _corked)
        {
            return false;
        }

        _flushing = true;
        return true;
    }

    private void RunFlush()
    {
        // Runs synchronously up to the first write the transport cannot take at once; the rest continues wherever
        // that write completes.
        Task flush = FlushLoopAsync();
        _ = flush;
    }

    private async Task FlushLoopAsync(bool outputWritten = false)
    {
        try
        {
            if (outputWritten && !await FlushOutputAsync().ConfigureAwait(false))
            {
                return;
            }

            while (true)
            {
                TaskCompletionSource? waiter = null;
                lock (_gate)
                {
                    if (_closed || _pending.Length == 0)
                    {
                        _flushing = false;
                        _flushingBytes = 0;

                        // Nothing is queued: give the buffers back, so a connection that goes quiet (most of a
                        // server's connections, most of the time) holds none; the next frame rents them again.
                        ReleaseBuffers();
                        waiter = _roomWaiter;
                        _roomWaiter = null;
                        waiter?.TrySetResult();
                        return;
                    }

                    (_pending, _sending) = (_sending, _pending);
                    _sendingFds.AddRange(_pendingFds);
                    _pendingFds.Clear();
                    _flushingBytes = _sending.Length;
                }

                CopySending();
                if (!await FlushOutputAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            Fail(e);
        }
    }

    /// <summary>Sends what was written to the transport; false (after failing the outbox) when the peer is gone.</summary>
    private async ValueTask<bool> FlushOutputAsync()
    {
        FlushResult result = await _output.FlushAsync().ConfigureAwait(false);
        TaskCompletionSource? waiter = null;
        lock (_gate)
        {
            _flushingBytes = 0;
            if (_pending.Length == 0)
            {
                waiter = _roomWaiter;
                _roomWaiter = null;
            }
        }

        waiter?.TrySetResult();
        if (result.IsCompleted || result.IsCanceled)
        {
            Fail(null);
            return false;
        }

        return true;
    }

    private void CopySending()
    {
        long written = 0;
        int nextFd = 0;
        foreach (ReadOnlyMemory<byte> segment in _sending.AsSequence())
        {
            ReadOnlySpan<byte> span = segment.Span;
            while (span.Length > 0)
            {
                long limit = nextFd < _sendingFds.Count ? _sendingFds[nextFd].Offset - written : long.MaxValue;
                int take = (int)Math.Min(span.Length, limit);
                CopyToOutput(span[..take]);
                written += take;
                span = span[take..];
                while (nextFd < _sendingFds.Count && _sendingFds[nextFd].Offset == written)
                {
                    try
                    {
                        _fds?.QueueFdsToSend(_sendingFds[nextFd].Fds);
                    }
                    finally
                    {
                        DisposeAll(_sendingFds[nextFd].Fds);
                    }

                    nextFd++;
                }
            }
        }

        _sending.Reset();
        _sendingFds.Clear();
    }

    /// <summary>
    /// Copies into the transport asking for room for the whole piece (up to a stream packet), not the writer's
    /// minimum segment: a gigabyte download then leaves in a few large sends instead of one per small segment.
    /// </summary>
    private void CopyToOutput(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            Span<byte> room = _output.GetSpan(Math.Min(bytes.Length, MaxOutputRequest));
            int count = Math.Min(room.Length, bytes.Length);
            bytes[..count].CopyTo(room);
            _output.Advance(count);
            bytes = bytes[count..];
        }
    }

    private static void DisposeAll(SafeHandle[] fds)
    {
        foreach (SafeHandle fd in fds)
        {
            fd.Dispose();
        }
    }

    private void Fail(Exception? error)
    {
        Close();

        // The flush may run on a thread that queued a reply while holding its own locks; the failure handlers
        // (cancellation of the connection's work) run elsewhere. Failure is rare, so the hand-off costs nothing.
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Outbox.Failed?.Invoke(state.Error), (Outbox: this, Error: error), preferLocal: false);
    }
}
