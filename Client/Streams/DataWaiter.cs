using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Client.Streams;

/// <summary>
/// A stream reader waiting for packets. It is never completed on the thread that signals it (which may hold locks or
/// be inside the connection's failure handling) but queued as work: on a Unix connection's receive thread, to run once
/// the received bytes are consumed, so a download's reader continues there instead of waking a pool thread for every
/// packet; anywhere else, on the thread pool, as a continuation that runs asynchronously would.
/// </summary>
internal sealed class DataWaiter : TaskCompletionSource, IThreadPoolWorkItem
{
    /// <summary>Wakes <paramref name="waiter"/> from the packet path: on the receive thread when this is one.</summary>
    public static void WakeAfterReceive(DataWaiter? waiter)
    {
        if (waiter is not null && !ReceiveThreadWork.TryDefer(waiter))
        {
            ThreadPool.UnsafeQueueUserWorkItem(waiter, preferLocal: false);
        }
    }

    /// <summary>Wakes <paramref name="waiter"/> on the thread pool.</summary>
    public static void Wake(DataWaiter? waiter)
    {
        if (waiter is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(waiter, preferLocal: false);
        }
    }

    /// <inheritdoc/>
    public void Execute() => TrySetResult();
}
