using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Native;
using Microsoft.Win32.SafeHandles;

namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// A connected Unix-domain stream socket seen as a pipe pair that also carries file descriptors
/// (<see cref="IFdTransport"/>). A receive loop fills <see cref="Input"/> and a send loop drains
/// <see cref="Output"/>. Every receive goes through recvmsg with room for descriptors, because a plain recv
/// makes the kernel close descriptors that arrive with the bytes it returns. Linux only.
/// </summary>
public sealed class UnixSocketPipe : IDuplexPipe, IFdTransport, IAsyncDisposable
{
    private const int MinimumReceiveSize = 16 * 1024;

    // A receive that filled its buffer means bulk data (a stream) is flowing: ask for room for a whole stream packet
    // next time, so a gigabyte costs thousands of recvmsg calls rather than tens of thousands.
    private const int BulkReceiveSize = 64 * 1024;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private static readonly int MaxReceiveThreads = Math.Max(8, 4 * Environment.ProcessorCount);
    private static int _receiveThreads;

    private readonly Socket _socket;
    private readonly Pipe _inputPipe;
    private readonly Pipe _outputPipe;
    private readonly CountingPipeWriter _output;
    private readonly ConcurrentQueue<SafeFileHandle> _receivedFds = new();
    private readonly Queue<OutgoingFd> _outgoingFds = new();
    private readonly Lock _outgoingLock = new();
    private readonly Task _receiveLoop;
    private readonly Task _sendLoop;
    private long _sentBytes;

    // While the receive thread hands a receive to its reader and runs the work that leaves, what they send is held
    // back and goes out in one write before the thread waits again: 64 callers answered by one receive (or 64 calls
    // served from one) then cost one send, not 64. Past MaxHeldBack it goes out at once, so a writer never waits for
    // room behind bytes this thread holds.
    private const int MaxHeldBack = 64 * 1024;
    private readonly bool _holdBackOutput;
    private ReceiveWorkQueue? _receiveWork;
    private volatile int _corkThread;
    private int _heldBack;
    private int _uncorkRequested;
    private volatile bool _disposing;
    private int _disposed;

    /// <summary>Serves <paramref name="socket"/>, a connected Unix-domain stream socket; the pipe owns it from now on.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public UnixSocketPipe(Socket socket)
        : this(socket, dedicatedReceiveThread: false)
    {
    }

    /// <summary>
    /// Serves <paramref name="socket"/>. With <paramref name="dedicatedReceiveThread"/> the receive side runs on its
    /// own thread that blocks in poll/recvmsg, and the reader of <see cref="Input"/> continues on that thread: a
    /// client waiting for replies then costs one wake-up per reply instead of a hand-off from the socket engine to
    /// the thread pool. Worth a thread for a client's few connections, not for a server's many: a process gets at
    /// most max(8, 4 × processors) such threads at once, and further connections receive on the thread pool.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public UnixSocketPipe(Socket socket, bool dedicatedReceiveThread)
        : this(socket, dedicatedReceiveThread, holdBackOutput: true)
    {
    }

    /// <summary>
    /// As <see cref="UnixSocketPipe(Socket, bool)"/>; <paramref name="holdBackOutput"/> says whether output flushed
    /// on the receive thread while its reader runs is held back and sent in one write when the reader returns. A
    /// reader that batches its own output (a server's outbox) gains nothing from it and saves a second wake-up of
    /// the send loop per receive without it.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public UnixSocketPipe(Socket socket, bool dedicatedReceiveThread, bool holdBackOutput)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!UnixSocketNative.IsSupported)
        {
            throw new PlatformNotSupportedException("Descriptor passing over Unix sockets is implemented for Linux only");
        }

        if (socket.AddressFamily != AddressFamily.Unix || socket.SocketType != SocketType.Stream)
        {
            throw new ArgumentException("A Unix-domain stream socket is required", nameof(socket));
        }

        _socket = socket;
        _holdBackOutput = holdBackOutput;

        // The reader of the input is the frame loop, which must see a whole frame before it consumes anything:
        // pausing below the largest frame (plus its descriptor bytes) would deadlock.
        long pause = FrameLimits.LengthWordSize + FrameLimits.MaxMessageSize + FrameLimits.MaxFds + MinimumReceiveSize;
        _inputPipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: pause,
            resumeWriterThreshold: pause / 2,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false));

        // Inline reader: a flush sends on the flushing thread instead of waking another one.
        _outputPipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: 1024 * 1024,
            resumeWriterThreshold: 512 * 1024,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.ThreadPool,
            minimumSegmentSize: 16 * 1024,
            useSynchronizationContext: false));
        _output = new CountingPipeWriter(_outputPipe.Writer);
        _receiveLoop = dedicatedReceiveThread && TakeReceiveThreadSlot() ? StartReceiveThread() : Task.Run(ReceiveLoopAsync);
        _sendLoop = Task.Run(SendLoopAsync);
    }

    /// <summary>Whether this platform can use the class (Linux).</summary>
    public static bool IsSupported => UnixSocketNative.IsSupported;

    /// <inheritdoc/>
    public PipeReader Input => _inputPipe.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _output;

    /// <summary>Connects to the Unix socket at <paramref name="path"/>.</summary>
    public static Task<UnixSocketPipe> ConnectAsync(string path, CancellationToken cancellationToken = default)
        => ConnectAsync(path, dedicatedReceiveThread: false, cancellationToken);

    /// <summary>Connects to the Unix socket at <paramref name="path"/>; see the constructor for <paramref name="dedicatedReceiveThread"/>.</summary>
    public static async Task<UnixSocketPipe> ConnectAsync(string path, bool dedicatedReceiveThread, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new UnixSocketPipe(socket, dedicatedReceiveThread);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public bool TryTakeReceivedFd([NotNullWhen(true)] out SafeFileHandle? fd) => _receivedFds.TryDequeue(out fd);

    /// <inheritdoc/>
    public void QueueFdsToSend(ReadOnlySpan<SafeHandle> fds)
    {
        if (fds.Length > FrameLimits.MaxFds)
        {
            throw new ArgumentOutOfRangeException(nameof(fds), $"At most {FrameLimits.MaxFds} descriptors fit in one message");
        }

        ObjectDisposedException.ThrowIf(_disposing, this);

        // Take every reference first, so a disposed handle fails the call before any dummy byte is written.
        int referenced = 0;
        try
        {
            foreach (SafeHandle fd in fds)
            {
                ArgumentNullException.ThrowIfNull(fd, nameof(fds));
                bool added = false;
                fd.DangerousAddRef(ref added);
                referenced++;
            }
        }
        catch
        {
            for (int i = 0; i < referenced; i++)
            {
                fds[i].DangerousRelease();
            }

            throw;
        }

        foreach (SafeHandle fd in fds)
        {
            lock (_outgoingLock)
            {
                _outgoingFds.Enqueue(new OutgoingFd(_output.BytesWritten, fd));
            }

            _output.GetSpan(1)[0] = 0;
            _output.Advance(1);
        }
    }

    /// <summary>
    /// Sends what is already in the output (briefly), then closes the socket. Descriptors received and never
    /// taken are closed; descriptors not yet sent are released.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _output.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _sendLoop.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _disposing = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        // The shut-down socket reads as ended, so the receive loop stops by itself; closing the socket under it
        // would make it fail (and throw) instead.
        try
        {
            await _receiveLoop.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _socket.Dispose();
        await _inputPipe.Reader.CompleteAsync().ConfigureAwait(false);
        await Task.WhenAll(_receiveLoop, _sendLoop).ConfigureAwait(false);

        while (_receivedFds.TryDequeue(out SafeFileHandle? fd))
        {
            fd.Dispose();
        }

        lock (_outgoingLock)
        {
            while (_outgoingFds.TryDequeue(out OutgoingFd pending))
            {
                pending.Handle.DangerousRelease();
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        PipeWriter input = _inputPipe.Writer;
        Exception? error = null;
        bool mayHaveMore = false;
        try
        {
            while (true)
            {
                if (!mayHaveMore)
                {
                    // Waits for readability without taking bytes: .NET peeks, and we ask for a peek explicitly,
                    // since a zero-length recv that is not a peek would drop descriptors attached to the next byte.
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek).ConfigureAwait(false);
                }

                Memory<byte> memory = input.GetMemory(mayHaveMore ? BulkReceiveSize : MinimumReceiveSize);
                int received = ReceiveOnce(memory.Span);
                if (received < 0)
                {
                    mayHaveMore = false;
                    continue;
                }

                if (received == 0)
                {
                    break;
                }

                // Descriptors were queued above, before their bytes become visible to the reader.
                input.Advance(received);
                mayHaveMore = received == memory.Length;
                FlushResult flushed = await input.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (_disposing && e is SocketException or ObjectDisposedException or IOException)
        {
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            await input.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    // One recvmsg with room for descriptors (queued before their bytes reach the reader): the byte count, 0 at the
    // end of the stream, or -1 when nothing is there yet.
    private int ReceiveOnce(Span<byte> memory)
    {
        int received = UnixSocketNative.Receive(_socket.SafeHandle, memory, _receivedFds, out int errno, out bool truncated);
        if (received < 0)
        {
            return errno == UnixSocketNative.EAGAIN ? -1 : throw ReceiveFailed(errno);
        }

        if (truncated)
        {
            throw new IOException("The peer attached more descriptors to one write than fit the receive buffer; the kernel discarded some");
        }

        return received;
    }

    // The socket error rides along so callers can tell a peer that reset the connection from other failures.
    private static IOException ReceiveFailed(int errno) => SocketCallFailed("recvmsg", errno);

    private static IOException SendFailed(int errno) => SocketCallFailed("send", errno);

    private static IOException SocketCallFailed(string call, int errno)
    {
        string message = $"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}";
        return errno switch
        {
            UnixSocketNative.ECONNRESET => new IOException(message, new SocketException((int)SocketError.ConnectionReset)),
            UnixSocketNative.EPIPE => new IOException(message, new SocketException((int)SocketError.Shutdown)),
            _ => new IOException(message),
        };
    }

    // A process with a handful of connections gets a thread each; one with hundreds (an event fan-out, a monitoring
    // tool) would pay more for the threads' wake-ups than it saves, so past this many the pool serves the rest.
    private static bool TakeReceiveThreadSlot()
    {
        if (Interlocked.Increment(ref _receiveThreads) <= MaxReceiveThreads)
        {
            return true;
        }

        Interlocked.Decrement(ref _receiveThreads);
        return false;
    }

    private Task StartReceiveThread()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ReceiveWorkQueue? work = null;
        work = _receiveWork = new ReceiveWorkQueue(() =>
        {
            // The stuck work may be waiting for the reply to a call it sent: that call must go out now.
            Uncork();
            ReceiveThreads.Run(() => RunReceiveThread(work!, done));
        });
        ReceiveThreadWatchdog.Watch(work);
        ReceiveThreads.Run(() => RunReceiveThread(work, done));
        return done.Task;
    }

    // The loop may move between threads (see ReceiveWorkQueue); whichever thread ends it reports the end.
    private void RunReceiveThread(ReceiveWorkQueue work, TaskCompletionSource done)
    {
        if (!ReceiveLoopBlocking(work))
        {
            return;
        }

        ReceiveThreadWatchdog.Unwatch(work);
        Interlocked.Decrement(ref _receiveThreads);
        done.TrySetResult();
    }

    /// <summary>Returns <see langword="false"/> when the loop was handed to another thread, which carries on.</summary>
    private bool ReceiveLoopBlocking(ReceiveWorkQueue work)
    {
        int generation = work.Generation;
        PipeWriter input = _inputPipe.Writer;
        Exception? error = null;
        int want = MinimumReceiveSize;
        bool drained = false;
        bool owner = true;
        try
        {
            while (true)
            {
                // A receive shorter than its buffer took all there was: wait before asking again rather than
                // paying for a recvmsg that finds nothing. Shutting the socket down on dispose wakes this wait
                // (POLLHUP), so it needs no timeout.
                if (drained && !UnixSocketNative.WaitReadable(_socket.SafeHandle, out int pollErrno))
                {
                    throw new IOException($"poll failed: {Marshal.GetPInvokeErrorMessage(pollErrno)}");
                }

                Memory<byte> memory = input.GetMemory(want);
                int received = ReceiveOnce(memory.Span);
                if (received < 0)
                {
                    drained = true;
                    continue;
                }

                if (received == 0)
                {
                    break;
                }

                input.Advance(received);
                drained = received < memory.Length;
                want = drained ? MinimumReceiveSize : BulkReceiveSize;

                // The inline reader usually consumes the bytes during the flush; only back-pressure blocks here.
                // Work it leaves for this thread runs after the flush, when the pipe is consistent again, so that
                // another thread can take the loop over if the work blocks.
                FlushResult flushed;
                ReceiveThreadWork.Collecting = work;
                if (_holdBackOutput)
                {
                    _corkThread = Environment.CurrentManagedThreadId;
                }

                try
                {
                    ValueTask<FlushResult> flush = input.FlushAsync();
                    if (flush.IsCompletedSuccessfully)
                    {
                        flushed = flush.Result;
                    }
                    else
                    {
                        // The reader stopped taking input (a server at its request limit): what this thread holds
                        // back must not wait with it.
                        Uncork();
                        flushed = flush.AsTask().GetAwaiter().GetResult();
                    }
                }
                finally
                {
                    ReceiveThreadWork.Collecting = null;
                }

                bool stillOwner = work.Run(generation);
                Uncork();
                if (!stillOwner)
                {
                    owner = false;
                    return false;
                }

                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (_disposing && e is SocketException or ObjectDisposedException or IOException)
        {
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            if (owner)
            {
                input.Complete(error);
            }
        }

        return true;
    }

    private async Task SendLoopAsync()
    {
        PipeReader output = _outputPipe.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await output.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (result.IsCanceled && Interlocked.Exchange(ref _uncorkRequested, 0) == 0)
                {
                    break;
                }

                if (!result.IsCompleted && buffer.Length < MaxHeldBack && _corkThread == Environment.CurrentManagedThreadId
                    && _receiveWork?.RunningLast != true)
                {
                    Volatile.Write(ref _heldBack, 1);
                    output.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                if (!buffer.IsEmpty)
                {
                    await SendAsync(buffer).ConfigureAwait(false);
                }

                output.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    // Everything written has gone and this end is closing: shut both directions, so the peer's
                    // poll reports a hang-up at once, as when libvirt closes its socket. libvirt's client tells
                    // "end of file" from "I/O error" by that flag; a half-close alone reads as the latter.
                    _socket.Shutdown(SocketShutdown.Both);
                    break;
                }
            }
        }
        catch (Exception e) when (_disposing && e is SocketException or ObjectDisposedException or IOException)
        {
        }
        catch (Exception e)
        {
            // Writers see this from FlushAsync; the connection layers treat IOException as a lost connection.
            error = e as IOException ?? new IOException($"Sending failed: {e.Message}", e);
        }
        finally
        {
            await output.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    // Wakes the send loop for what the receive thread's work held back (see _corkThread).
    private void Uncork()
    {
        _corkThread = 0;
        if (Interlocked.Exchange(ref _heldBack, 0) == 1)
        {
            Volatile.Write(ref _uncorkRequested, 1);
            _outputPipe.Reader.CancelPendingRead();
        }
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            long fdAt = NextFdOffset();
            if (fdAt == _sentBytes)
            {
                await SendFdAsync(buffer.FirstSpan[0]).ConfigureAwait(false);
                buffer = buffer.Slice(1);
                _sentBytes++;
                continue;
            }

            long plain = Math.Min(buffer.Length, fdAt - _sentBytes);
            await SendPlainAsync(buffer.Slice(0, plain)).ConfigureAwait(false);
            buffer = buffer.Slice(plain);
            _sentBytes += plain;
        }
    }

    private long NextFdOffset()
    {
        lock (_outgoingLock)
        {
            return _outgoingFds.TryPeek(out OutgoingFd next) ? next.Offset : long.MaxValue;
        }
    }

    private async ValueTask SendPlainAsync(ReadOnlySequence<byte> bytes)
    {
        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            // Straight to send(2) first: the socket buffer almost always has room, and the socket engine's path
            // (event args, completion bookkeeping) cost more than the system call itself. Only a full buffer waits
            // on the engine.
            int first = UnixSocketNative.SendNonBlocking(_socket.SafeHandle, segment.Span, out int errno);
            if (first < 0)
            {
                throw SendFailed(errno);
            }

            ReadOnlyMemory<byte> rest = segment[first..];
            while (!rest.IsEmpty)
            {
                int sent = await _socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false);
                rest = rest[sent..];
            }
        }
    }

    private async ValueTask SendFdAsync(byte value)
    {
        OutgoingFd fd;
        lock (_outgoingLock)
        {
            fd = _outgoingFds.Dequeue();
        }

        try
        {
            while (true)
            {
                int sent = UnixSocketNative.SendByteWithFd(_socket.SafeHandle, value, (int)fd.Handle.DangerousGetHandle(), out int errno);
                if (sent == 1)
                {
                    return;
                }

                if (sent < 0)
                {
                    throw new IOException($"sendmsg with a descriptor failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                // The socket buffer is full. Socket has no asynchronous wait for writability, so poll in short slices.
                while (!_socket.Poll(TimeSpan.FromMilliseconds(50), SelectMode.SelectWrite))
                {
                    ObjectDisposedException.ThrowIf(_disposing, this);
                    await Task.Yield();
                }
            }
        }
        finally
        {
            fd.Handle.DangerousRelease();
        }
    }

    private readonly record struct OutgoingFd(long Offset, SafeHandle Handle);
}
