using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Client.Rpc;

/// <summary>
/// Where callers' continuations run once their reply is decoded. The read loop must never run them itself: a caller
/// that blocks there (sync-over-async on another call) would stop the very loop that could unblock it. One
/// process-wide thread takes a reply when it is parked waiting for work, which costs a single wake-up and no
/// thread-pool spinning — the common case of callers awaiting one call at a time. When that thread is busy (it may be
/// running a caller that blocks), the reply goes to the thread pool instead, so no caller waits behind another.
/// Unix connections with their own receive thread skip both (see <see cref="ReceiveThreadWork"/>).
/// </summary>
internal static class ReplyDelivery
{
    private static readonly object Gate = new();
    private static PendingCall? _next;
    private static bool _parked;

    static ReplyDelivery()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "libvirt replies" };
        thread.UnsafeStart();
    }

    /// <summary>Runs <paramref name="call"/>'s delivery on the reply thread if it is idle, else on the thread pool.</summary>
    public static void Post(PendingCall call)
    {
        // On a Unix connection's own receive thread the delivery waits until the received bytes are consumed and
        // then runs there: no second thread wakes. That thread hands its connection to another if the caller blocks.
        if (ReceiveThreadWork.TryDefer(call))
        {
            return;
        }

        lock (Gate)
        {
            if (_parked && _next is null)
            {
                _next = call;
                Monitor.Pulse(Gate);
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static c => c.Deliver(), call, preferLocal: false);
    }

    private static void Run()
    {
        while (true)
        {
            PendingCall call;
            lock (Gate)
            {
                _parked = true;
                while (_next is null)
                {
                    Monitor.Wait(Gate);
                }

                call = _next;
                _next = null;
                _parked = false;
            }

            call.Deliver();
        }
    }
}
