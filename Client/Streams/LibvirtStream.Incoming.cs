using System.Buffers;
using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Streams;

/// <summary>The receiving half: packets from the read loop into the queue, and out of it to the reader.</summary>
public sealed partial class LibvirtStream : IStreamPacketHandler
{
    // Everything below _gate is shared between the read loop and the user's calls.
    private readonly Lock _gate = new();
    private readonly Queue<Incoming> _queue = new();
    private long _buffered;
    private long _peakBuffered;
    private bool _overLimit;
    private bool _endReceived;
    private Exception? _error;
    private DataWaiter? _dataWaiter;

    // A waiting reader's buffer: data arriving while nothing is queued goes straight into it (one copy fewer), and
    // _directCount says how much did. Both guarded by _gate.
    private Memory<byte> _directTarget;
    private int _directCount;

    // Owned by the one reader in progress (_reading = 1); the read loop never touches these.
    private int _reading;
    private byte[]? _current;
    private int _currentOffset;
    private int _currentEnd;
    private long _currentHole;
    private bool _endSeen;

    /// <summary>The serial of the opening call; set by the connection before the call is sent.</summary>
    public uint Serial { get; set; }

    /// <summary>Whether unread data ever went past <see cref="LibvirtStreamOptions.BufferLimit"/>.</summary>
    public bool BufferLimitExceeded
    {
        get
        {
            lock (_gate)
            {
                return _overLimit;
            }
        }
    }

    /// <summary>The most received-but-unread bytes this stream has held at once.</summary>
    public long PeakBufferedBytes
    {
        get
        {
            lock (_gate)
            {
                return _peakBuffered;
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>: whether packets from the server are still taken (not failed, finished or aborted).</summary>
    private bool AcceptsPackets => _error is null && _state is (StreamState.Open or StreamState.Closing);

    /// <summary>Whether the server's end marker has arrived (it may still be behind unread data).</summary>
    public bool EndReceived
    {
        get
        {
            lock (_gate)
            {
                return _endReceived;
            }
        }
    }

    /// <inheritdoc/>
    void IStreamPacketHandler.OnPacket(in Frame frame)
    {
        VirNetMessageHeader header = frame.Header;
        if (header.Type == VirNetMessageType.StreamHole)
        {
            OnHole(frame);
            return;
        }

        switch (header.Status)
        {
            case VirNetMessageStatus.Continue when frame.Body.IsEmpty:
                Enqueue(new Incoming(null, 0, 0));
                break;
            case VirNetMessageStatus.Continue:
                OnData(frame.Body);
                break;
            case VirNetMessageStatus.Ok:
                OnConfirmation();
                break;
            case VirNetMessageStatus.Error:
                VirNetMessageError error;
                try
                {
                    error = frame.DecodeBody<VirNetMessageError>();
                }
                catch (XdrException e)
                {
                    Fail(new LibvirtProtocolException($"Undecodable stream error from the server: {e.Message}", e), removeRoute: true);
                    break;
                }

                Fail(LibvirtException.From(error), removeRoute: true);
                break;
            default:
                Fail(new LibvirtProtocolException($"Stream packet with status {header.Status} from the server"), removeRoute: true);
                break;
        }
    }

    /// <inheritdoc/>
    void IStreamPacketHandler.OnConnectionFailed(Exception error)
        => Fail(error as ConnectionLostException ?? new ConnectionLostException($"The connection ended: {error.Message}", error), removeRoute: false);

    private void OnHole(in Frame frame)
    {
        if (!IsSparse)
        {
            // libvirt's client refuses this the same way; the server is told to stop so it frees its side.
            Fail(RpcError("Unexpected stream hole"), removeRoute: true);
            SendAbortInBackground();
            return;
        }

        VirNetStreamHole hole;
        try
        {
            hole = frame.DecodeBody<VirNetStreamHole>();
        }
        catch (XdrException e)
        {
            Fail(new LibvirtProtocolException($"Malformed stream hole packet: {e.Message}", e), removeRoute: true);
            SendAbortInBackground();
            return;
        }

        if (hole.Length <= 0 || frame.Header.Status != VirNetMessageStatus.Continue)
        {
            Fail(new LibvirtProtocolException($"Invalid stream hole (length {hole.Length}, status {frame.Header.Status})"), removeRoute: true);
            SendAbortInBackground();
            return;
        }

        Enqueue(new Incoming(null, 0, hole.Length));
    }

    private void OnData(in ReadOnlySequence<byte> body)
    {
        if (!_canRead)
        {
            // Nobody will read it; keeping it would only grow memory.
            return;
        }

        ReadOnlySequence<byte> rest = DeliverToWaitingReader(body, out DataWaiter? waiter);
        DataWaiter.WakeAfterReceive(waiter);
        if (rest.IsEmpty)
        {
            return;
        }

        // Checked against the frame limit already, so it fits an int.
        int length = (int)rest.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        rest.CopyTo(buffer);
        if (!Enqueue(new Incoming(buffer, length, 0)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies the front of <paramref name="body"/> into the buffer of a reader waiting on an empty queue, under the
    /// lock so that a reader giving up (cancellation) either sees the bytes delivered or knows none will be.
    /// </summary>
    /// <returns>What did not fit (all of it when no reader waits), to be queued behind.</returns>
    private ReadOnlySequence<byte> DeliverToWaitingReader(ReadOnlySequence<byte> body, out DataWaiter? waiter)
    {
        waiter = null;
        lock (_gate)
        {
            if (_directTarget.IsEmpty || _queue.Count != 0 || !AcceptsPackets)
            {
                return body;
            }

            int count = (int)Math.Min(body.Length, _directTarget.Length);
            body.Slice(0, count).CopyTo(_directTarget.Span);
            _directCount = count;
            _directTarget = default;
            waiter = _dataWaiter;
            _dataWaiter = null;
            return body.Slice(count);
        }
    }

    private bool Enqueue(Incoming item)
    {
        DataWaiter? waiter;
        bool overflow = false;
        lock (_gate)
        {
            if (!AcceptsPackets)
            {
                return false;
            }

            if (item.IsEnd)
            {
                _endReceived = true;
            }

            _queue.Enqueue(item);
            _buffered += item.DataLength;
            if (_buffered > _peakBuffered)
            {
                _peakBuffered = _buffered;
            }

            if (_buffered > _options.BufferLimit)
            {
                _overLimit = true;
                overflow = _buffered > _options.MaxBufferedBytes;
            }

            waiter = _dataWaiter;
            _dataWaiter = null;
        }

        DataWaiter.WakeAfterReceive(waiter);
        if (overflow)
        {
            Fail(new StreamBufferOverflowException($"The stream reader fell more than {_options.MaxBufferedBytes} bytes behind; the stream was aborted"), removeRoute: true);
            SendAbortInBackground();
        }

        return true;
    }

    private async ValueTask<StreamSegment> ReadCoreAsync(Memory<byte> buffer, bool stopAtHole, CancellationToken cancellationToken)
    {
        if (!_canRead)
        {
            throw new NotSupportedException("This stream only carries data to the server");
        }

        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("Another read is in progress on this stream");
        }

        try
        {
            while (true)
            {
                if (_endSeen)
                {
                    return new StreamSegment(StreamSegmentKind.End, 0);
                }

                if (_current is byte[] current)
                {
                    int count = Math.Min(buffer.Length, _currentEnd - _currentOffset);
                    current.AsSpan(_currentOffset, count).CopyTo(buffer.Span);
                    _currentOffset += count;
                    if (_currentOffset == _currentEnd)
                    {
                        _current = null;
                        ArrayPool<byte>.Shared.Return(current);
                    }

                    return new StreamSegment(StreamSegmentKind.Data, count);
                }

                if (_currentHole > 0)
                {
                    if (stopAtHole)
                    {
                        long hole = _currentHole;
                        _currentHole = 0;
                        return new StreamSegment(StreamSegmentKind.Hole, hole);
                    }

                    int zeros = (int)Math.Min(buffer.Length, _currentHole);
                    buffer.Span[..zeros].Clear();
                    _currentHole -= zeros;
                    return new StreamSegment(StreamSegmentKind.Data, zeros);
                }

                Task wait;
                lock (_gate)
                {
                    if (_error is Exception error)
                    {
                        throw error;
                    }

                    if (_queue.TryDequeue(out Incoming next))
                    {
                        _buffered -= next.DataLength;
                        _endSeen = next.IsEnd;
                        _current = next.Buffer;
                        _currentOffset = 0;
                        _currentEnd = next.DataLength;
                        _currentHole = next.HoleLength;
                        continue;
                    }

                    ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                    if (_state is not (StreamState.Open or StreamState.Closing))
                    {
                        throw new InvalidOperationException("The stream was finished or aborted before its end marker was read");
                    }

                    _dataWaiter ??= new DataWaiter();
                    wait = _dataWaiter.Task;
                    if (!buffer.IsEmpty)
                    {
                        _directTarget = buffer;
                        _directCount = 0;
                    }
                }

                try
                {
                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Bytes already copied into the buffer are this read's result; otherwise nothing more will be.
                    if (TakeDirect() is int delivered and > 0)
                    {
                        return new StreamSegment(StreamSegmentKind.Data, delivered);
                    }

                    throw;
                }

                if (TakeDirect() is int direct and > 0)
                {
                    return new StreamSegment(StreamSegmentKind.Data, direct);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Ends a wait: withdraws the reader's buffer and returns how many bytes were copied into it.</summary>
    private int TakeDirect()
    {
        lock (_gate)
        {
            int count = _directCount;
            _directCount = 0;
            _directTarget = default;
            return count;
        }
    }

    /// <summary>Fails the stream: readers, writers and a pending finish or abort see <paramref name="error"/>.</summary>
    private void Fail(Exception error, bool removeRoute)
    {
        DataWaiter? waiter;
        TaskCompletionSource? confirm;
        lock (_gate)
        {
            if (_error is not null || _state is StreamState.Finished or StreamState.Aborted)
            {
                return;
            }

            _error = error;
            _state = StreamState.Failed;
            waiter = _dataWaiter;
            _dataWaiter = null;
            confirm = _confirm;
            _confirm = null;
            DrainQueue();
        }

        if (removeRoute)
        {
            _rpc.RemoveStream(Serial);
        }

        DataWaiter.Wake(waiter);
        confirm?.TrySetException(error);
    }

    /// <summary>Returns queued buffers to the pool. Caller holds <see cref="_gate"/>.</summary>
    private void DrainQueue()
    {
        while (_queue.TryDequeue(out Incoming item))
        {
            if (item.Buffer is byte[] buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _buffered = 0;
    }

    /// <summary>Returns the reader's current buffer; only when no read is in progress.</summary>
    private void ReleaseReaderBuffer()
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            return;
        }

        if (_current is byte[] current)
        {
            _current = null;
            ArrayPool<byte>.Shared.Return(current);
        }

        Volatile.Write(ref _reading, 0);
    }

    private static LibvirtException RpcError(string message) => new(new VirNetMessageError
    {
        Code = (int)ErrorCode.Rpc,
        Domain = (int)ErrorDomain.Rpc,
        Level = 2,
        Message = message,
    });

    /// <summary>One queued packet: data (pooled buffer), a hole, or the end marker.</summary>
    private readonly record struct Incoming(byte[]? Buffer, int DataLength, long HoleLength)
    {
        public bool IsEnd => Buffer is null && HoleLength == 0;
    }
}
