using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;

namespace LibvirtRemote.Client.Rpc;

/// <summary>
/// Multiplexes calls of any program over one byte pipe. Thread-safe: any number of callers may have calls in
/// flight; replies are matched by serial in whatever order they arrive. One read loop owns the input; writes
/// are serialised. Keepalive PINGs from the server are always answered. When the pipe breaks, every pending
/// call fails at once with <see cref="ConnectionLostException"/> (or <see cref="LibvirtProtocolException"/>
/// when the peer sent something invalid).
/// </summary>
public sealed partial class RpcConnection : IAsyncDisposable
{
    private readonly IDuplexPipe _pipe;
    private readonly RpcConnectionOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly PendingCallTable _pending = new();
    private readonly ConcurrentDictionary<uint, byte> _abandoned = new();
    private readonly ConcurrentDictionary<uint, IStreamPacketHandler> _streams = new();
    private volatile bool _stopping;
    private readonly Task _readLoop;
    private int _serial = -1;
    private volatile Exception? _failure;
    private long _lastReceived = Environment.TickCount64;
    private Task? _keepalive;
    private PeriodicTimer? _keepaliveTimer;

    /// <summary>Starts serving <paramref name="pipe"/>; the connection owns it from now on.</summary>
    public RpcConnection(IDuplexPipe pipe, RpcConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        _pipe = pipe;
        _options = options ?? new RpcConnectionOptions();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>
    /// Called on the read loop for every MESSAGE (events) that is not keepalive. The frame's body is valid only
    /// during the call: decode it there and do not block.
    /// </summary>
    public Action<Frame>? MessageReceived { get; set; }

    /// <summary>Completes when the connection has ended, for whatever reason.</summary>
    public Task Completion => _readLoop;

    /// <summary>Why the connection ended, or <see langword="null"/> while it is up.</summary>
    public Exception? Failure => _failure;

    /// <summary>Calls a procedure and waits for its decoded reply.</summary>
    /// <exception cref="LibvirtException">The server answered with an error.</exception>
    /// <exception cref="ConnectionLostException">The connection ended before the reply.</exception>
    public ValueTask<TRet> CallAsync<TArgs, TRet>(uint program, uint version, int procedure, TArgs args, CancellationToken cancellationToken = default)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
        => CallAsync<TArgs, TRet>(program, version, procedure, args, stream: null, cancellationToken);

    /// <summary>
    /// Calls a procedure that opens a stream. <paramref name="stream"/> is registered under the call's serial
    /// before the call is sent, because libvirtd may send stream data before the call's reply.
    /// </summary>
    public ValueTask<TRet> CallAsync<TArgs, TRet>(uint program, uint version, int procedure, TArgs args, IStreamPacketHandler? stream, CancellationToken cancellationToken = default)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        if (stream is not null || cancellationToken.CanBeCanceled || _options.CallTimeout is not null)
        {
            return CallWithWaitAsync<TArgs, TRet>(program, version, procedure, args, stream, cancellationToken);
        }

        // The common call: nothing can withdraw it, so the caller awaits the pending call itself.
        if (_failure is not null)
        {
            return ValueTask.FromException<TRet>(FailureToThrow());
        }

        PendingCall<TRet> pending = PendingCall<TRet>.Rent();
        uint serial = Enlist(pending);
        ValueTask sent = SendAsync(Header(program, version, procedure, serial), args, CancellationToken.None);
        if (sent.IsCompletedSuccessfully)
        {
            sent.GetAwaiter().GetResult();
            return pending.AsValueTask();
        }

        return AwaitSendThenReplyAsync(sent, serial, pending);
    }

    /// <summary>Gives <paramref name="pending"/> the next serial and lists it for the read loop to answer.</summary>
    private uint Enlist(PendingCall pending)
    {
        uint serial = unchecked((uint)Interlocked.Increment(ref _serial));
        _pending.Add(serial, pending);
        return serial;
    }

    private static VirNetMessageHeader Header(uint program, uint version, int procedure, uint serial) => new()
    {
        Prog = program,
        Vers = version,
        Proc = procedure,
        Type = VirNetMessageType.Call,
        Serial = serial,
        Status = VirNetMessageStatus.Ok,
    };

    private async ValueTask<TRet> AwaitSendThenReplyAsync<TRet>(ValueTask sent, uint serial, PendingCall<TRet> pending)
        where TRet : IXdrType<TRet>
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch
        {
            _pending.TryRemove(serial, out _);
            throw;
        }

        return await pending.AsValueTask().ConfigureAwait(false);
    }

    private async ValueTask<TRet> CallWithWaitAsync<TArgs, TRet>(uint program, uint version, int procedure, TArgs args, IStreamPacketHandler? stream, CancellationToken cancellationToken)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        ThrowIfFailed();
        PendingCall<TRet> pending = PendingCall<TRet>.Rent();
        uint serial = Enlist(pending);
        if (stream is not null)
        {
            stream.Serial = serial;
            _streams[serial] = stream;
        }
        try
        {
            await SendAsync(Header(program, version, procedure, serial), args, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pending.TryRemove(serial, out _);
            _streams.TryRemove(serial, out _);
            throw;
        }

        try
        {
            return await WaitAsync(serial, pending.AsValueTask().AsTask(), cancellationToken).ConfigureAwait(false);
        }
        catch when (stream is not null)
        {
            _streams.TryRemove(serial, out _);
            throw;
        }
    }

    /// <summary>Stops routing stream packets of <paramref name="serial"/> (after finish or abort).</summary>
    public void RemoveStream(uint serial) => _streams.TryRemove(serial, out _);

    /// <summary>Sends one packet whose body is raw bytes (stream data, finish, abort). Serialised with all other writes.</summary>
    public ValueTask SendPacketAsync(VirNetMessageHeader header, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        => SendAsync(header, new RawBody(body), cancellationToken);

    /// <summary>Sends one packet with an XDR body (a STREAM_HOLE, an error). Serialised with all other writes.</summary>
    public ValueTask SendPacketAsync<TBody>(VirNetMessageHeader header, TBody body, CancellationToken cancellationToken = default)
        where TBody : IXdrType<TBody>
        => SendAsync(header, body, cancellationToken);

    /// <summary>
    /// Starts libvirt-style keepalive: after <paramref name="interval"/> without any traffic from the server a
    /// PING is sent, and again every interval; when <paramref name="count"/> PINGs in a row go unanswered the
    /// peer is declared dead and the connection fails with <see cref="ConnectionLostException"/>.
    /// Any frame from the server counts as an answer. Call once; the server must support keepalive.
    /// </summary>
    public void StartKeepalive(TimeSpan interval, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_keepalive is not null)
        {
            throw new InvalidOperationException("Keepalive is already running");
        }

        _keepaliveTimer = new PeriodicTimer(interval);
        _keepalive = Task.Run(() => KeepaliveLoopAsync(_keepaliveTimer, interval, count));
    }

    /// <summary>Ends the connection: pending calls fail with <see cref="ConnectionLostException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Fail(new ConnectionLostException("The connection was closed by this client"));
        _stopping = true;
        _pipe.Input.CancelPendingRead();
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (_keepalive is not null)
        {
            // Disposing the timer ends its wait with false rather than an exception, which a close would pay for.
            _keepaliveTimer!.Dispose();
            await _keepalive.ConfigureAwait(false);
        }

        await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        if (_pipe is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }

        _writeLock.Dispose();
    }

    private async Task<TRet> WaitAsync<TRet>(uint serial, Task<TRet> reply, CancellationToken cancellationToken)
    {
        if (reply.IsCompleted)
        {
            return await reply.ConfigureAwait(false);
        }

        try
        {
            return _options.CallTimeout is TimeSpan timeout
                ? await reply.WaitAsync(timeout, cancellationToken).ConfigureAwait(false)
                : await reply.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // The reply may still come: mark the serial abandoned *before* withdrawing the call, so the read loop
            // always finds one or the other and drops a late reply instead of calling it a protocol error.
            _abandoned.TryAdd(serial, 0);
            if (!_pending.TryRemove(serial, out _))
            {
                _abandoned.TryRemove(serial, out _);
            }

            throw;
        }
    }

    private async ValueTask SendAsync<TBody>(VirNetMessageHeader header, TBody body, CancellationToken cancellationToken)
        where TBody : IXdrType<TBody>
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFailed();
            WriteFrame(header, body);

            // Not cancellable: a half-flushed frame would corrupt the stream for every other caller.
            FlushResult flushed = await _pipe.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            if (flushed.IsCompleted)
            {
                throw new ConnectionLostException("The server stopped reading");
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            Fail(new ConnectionLostException("Writing to the server failed", e));
            throw _failure!;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // Frames are parsed straight out of the pipe's buffer, as many as one read brought, and dispatched before the
    // buffer is released: a frame's body is valid only until then. (A FrameReader here would cost an extra async
    // layer per reply.)
    private async Task ReadLoopAsync()
    {
        PipeReader input = _pipe.Input;
        Exception failure;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    input.AdvanceTo(buffer.Start);
                    failure = ClosedFailure();
                    break;
                }

                bool any = false;
                while (FrameParser.TryParse(ref buffer, out Frame frame) == OperationStatus.Done)
                {
                    any = true;
                    Dispatch(frame);
                }

                if (any)
                {
                    Volatile.Write(ref _lastReceived, Environment.TickCount64);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new FrameException($"Stream ended inside a frame ({buffer.Length} bytes of it received)") { EndedInsideFrame = true };
                    }

                    failure = ClosedFailure();
                    break;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (FrameException e) when (e.EndedInsideFrame)
        {
            // A peer killed or reset while sending (typically mid stream data) cuts a frame short: that is a lost
            // connection, not a malformed message. No inner exception, so the close reason is end of file, as
            // libvirt reports a hang-up in the middle of a message.
            failure = new ConnectionLostException($"The server closed the connection in the middle of a message: {e.Message}");
        }
        catch (Exception e) when (e is FrameException or XdrException or LibvirtProtocolException)
        {
            failure = e as LibvirtProtocolException ?? new LibvirtProtocolException($"Protocol error from the server: {e.Message}", e);
        }
        catch (Exception e)
        {
            failure = new ConnectionLostException($"Reading from the server failed: {e.Message}", e);
        }

        Fail(failure);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
    }

    private ConnectionLostException ClosedFailure() => _stopping
        ? new ConnectionLostException("The connection was closed by this client")
        : new ConnectionLostException("The server closed the connection");

    private void Dispatch(in Frame frame)
    {
        VirNetMessageHeader header = frame.Header;
        switch (header.Type)
        {
            case VirNetMessageType.Reply or VirNetMessageType.ReplyWithFds:
                SafeFileHandle[] fds = TakeReceivedFds(frame);
                if (_pending.TryRemove(header.Serial, out PendingCall? call))
                {
                    try
                    {
                        CompleteCall(call, frame, fds);
                    }
                    catch (Exception e)
                    {
                        // The call is no longer pending, so the connection-wide failure would not reach it.
                        call.Fail(new LibvirtProtocolException($"Reply to procedure {header.Proc} cannot be decoded: {e.Message}", e));
                        throw;
                    }
                }
                else
                {
                    CloseAll(fds);
                    if (!_abandoned.TryRemove(header.Serial, out _))
                    {
                        throw new LibvirtProtocolException($"Reply for serial {header.Serial} (procedure {header.Proc}) matches no call");
                    }
                }

                break;
            case VirNetMessageType.Message when header.Prog == (uint)KeepaliveProtocol.KeepaliveProgram:
                if (header.Proc == (int)KeepaliveProcedure.Ping)
                {
                    _ = AnswerPingAsync();
                }

                break;
            case VirNetMessageType.Message:
                MessageReceived?.Invoke(frame);
                break;
            case VirNetMessageType.Stream or VirNetMessageType.StreamHole:
                if (_streams.TryGetValue(header.Serial, out IStreamPacketHandler? stream))
                {
                    stream.OnPacket(frame);
                }

                // Packets of a stream already finished or aborted here are late, not an error.
                break;
            default:
                throw new LibvirtProtocolException($"Unexpected message type {header.Type} from the server");
        }
    }

    private static VirNetMessageHeader KeepaliveHeader(KeepaliveProcedure procedure) => new()
    {
        Prog = (uint)KeepaliveProtocol.KeepaliveProgram,
        Vers = (uint)KeepaliveProtocol.KeepaliveProtocolVersion,
        Proc = (int)procedure,
        Type = VirNetMessageType.Message,
        Serial = 0,
        Status = VirNetMessageStatus.Ok,
    };

    private async Task KeepaliveLoopAsync(PeriodicTimer timer, TimeSpan interval, int count)
    {
        int unanswered = 0;
        long lastSeen = Volatile.Read(ref _lastReceived);
        try
        {
            while (await timer.WaitForNextTickAsync().ConfigureAwait(false) && _failure is null)
            {
                long received = Volatile.Read(ref _lastReceived);
                if (received != lastSeen)
                {
                    lastSeen = received;
                    unanswered = 0;
                    if (Environment.TickCount64 - received < interval.TotalMilliseconds)
                    {
                        continue;
                    }
                }

                if (unanswered >= count)
                {
                    Fail(new ConnectionLostException(
                        $"No answer from the server to {count} keepalive requests sent {interval.TotalSeconds:0.###} s apart: the peer is unreachable or stalled"));
                    _pipe.Input.CancelPendingRead();
                    _pipe.Output.CancelPendingFlush();
                    return;
                }

                unanswered++;
                await SendKeepaliveAsync(KeepaliveProcedure.Ping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task AnswerPingAsync() => SendKeepaliveAsync(KeepaliveProcedure.Pong);

    private async Task SendKeepaliveAsync(KeepaliveProcedure procedure)
    {
        try
        {
            // A stalled peer must not stall the keepalive loop behind a full socket buffer.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await SendAsync(KeepaliveHeader(procedure), default(XdrVoid), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (LibvirtClientException)
        {
            // The connection is already failing; the read loop reports it.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Fail(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            return;
        }

        foreach (PendingCall call in _pending.RemoveAll())
        {
            call.Fail(failure);
        }

        foreach (uint serial in _streams.Keys)
        {
            if (_streams.TryRemove(serial, out IStreamPacketHandler? stream))
            {
                stream.OnConnectionFailed(failure);
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw FailureToThrow();
        }
    }

    private Exception FailureToThrow()
        => _failure is LibvirtClientException known ? known : new ConnectionLostException(_failure!.Message, _failure);
}
