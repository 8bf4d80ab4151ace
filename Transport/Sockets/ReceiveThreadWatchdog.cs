namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// One background thread that looks at the receive threads running work (<see cref="ReceiveThreadWork"/>) a few
/// times a second and hands the receiving of any connection whose thread is stuck to a new thread. It sleeps without
/// a timeout while no such connection exists.
/// </summary>
internal static class ReceiveThreadWatchdog
{
    /// <summary>How long work may hold a receive thread before its connection gets another one.</summary>
    public const long StallMilliseconds = 50;

    private const int CheckMilliseconds = 25;
    private static readonly List<ReceiveWorkQueue> Watched = [];
    private static bool _started;

    public static void Watch(ReceiveWorkQueue queue)
    {
        lock (Watched)
        {
            Watched.Add(queue);
            if (!_started)
            {
                _started = true;
                new Thread(Run) { IsBackground = true, Name = "libvirt receive watchdog" }.UnsafeStart();
            }
            else if (Watched.Count == 1)
            {
                Monitor.Pulse(Watched);
            }
        }
    }

    public static void Unwatch(ReceiveWorkQueue queue)
    {
        lock (Watched)
        {
            Watched.Remove(queue);
        }
    }

    private static void Run()
    {
        var snapshot = new List<ReceiveWorkQueue>();
        while (true)
        {
            lock (Watched)
            {
                while (Watched.Count == 0)
                {
                    Monitor.Wait(Watched);
                }

                Monitor.Wait(Watched, CheckMilliseconds);
                snapshot.Clear();
                snapshot.AddRange(Watched);
            }

            long now = Environment.TickCount64;
            foreach (ReceiveWorkQueue queue in snapshot)
            {
                queue.TakeOverIfStalled(now, StallMilliseconds);
            }
        }
    }
}
