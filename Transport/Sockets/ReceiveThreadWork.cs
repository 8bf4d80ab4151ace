using System.Runtime.ExceptionServices;

namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// Lets a reader of a <see cref="UnixSocketPipe"/> input that runs on the pipe's own receive thread leave work (a
/// caller's continuation) to that thread, to run once the received bytes are consumed and before the thread waits
/// for more. A client awaiting one reply at a time then costs one wake-up per call, like libvirt's C client, whose
/// calling thread does its own I/O, instead of two.
/// </summary>
/// <remarks>
/// Work may block (a caller waiting synchronously for another reply of the same connection). When work has run for
/// <see cref="ReceiveThreadWatchdog.StallMilliseconds"/>, the connection's receiving moves to another thread and the
/// work not yet started goes to the thread pool, so a blocked caller never stops the replies it waits for.
/// </remarks>
public static class ReceiveThreadWork
{
    [ThreadStatic]
    private static ReceiveWorkQueue? t_collecting;

    /// <summary>
    /// Queues <paramref name="work"/> on the current thread's receive loop when the current thread is a receive thread
    /// delivering received bytes to its reader; otherwise does nothing and returns <see langword="false"/>.
    /// </summary>
    public static bool TryDefer(IThreadPoolWorkItem work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ReceiveWorkQueue? queue = t_collecting;
        if (queue is null)
        {
            return false;
        }

        queue.Add(work);
        return true;
    }

    /// <summary>
    /// Whether the current thread is a <see cref="UnixSocketPipe"/> receive thread delivering received bytes to its
    /// reader: output flushed now is sent from this thread, which has nothing else to do until the reader returns.
    /// </summary>
    public static bool OnReceiveThread => t_collecting is not null;

    internal static ReceiveWorkQueue? Collecting
    {
        get => t_collecting;
        set => t_collecting = value;
    }

    // Work items are as trusted as thread-pool work: a failure must surface as it would there, not end the receive loop.
    internal static void Rethrow(Exception error)
        => ThreadPool.UnsafeQueueUserWorkItem(static e => e.Throw(), ExceptionDispatchInfo.Capture(error), preferLocal: false);
}
