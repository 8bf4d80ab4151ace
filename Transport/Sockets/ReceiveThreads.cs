namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// Threads that run blocking receive loops, kept a few seconds after their connection ends so that the next
/// connection reuses one instead of starting a thread: a client that opens and closes connections in a row then pays
/// for a thread once, not per connection.
/// </summary>
internal static class ReceiveThreads
{
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(5);
    private static readonly Stack<Worker> Idle = new();

    /// <summary>
    /// Runs <paramref name="work"/> on a parked receive thread, or a new one. The work reports its own end: a receive
    /// loop can move to another thread (see <see cref="ReceiveWorkQueue"/>), so a thread's return says nothing.
    /// </summary>
    public static void Run(Action work)
    {
        lock (Idle)
        {
            while (Idle.TryPop(out Worker? worker))
            {
                if (worker.TryAssign(work))
                {
                    return;
                }
            }
        }

        var fresh = new Worker();
        fresh.TryAssign(work);
        var thread = new Thread(fresh.Loop) { IsBackground = true, Name = "libvirt unix receive" };
        thread.UnsafeStart();
    }

    private sealed class Worker
    {
        private Action? _work;
        private bool _retired;

        public bool TryAssign(Action work)
        {
            lock (this)
            {
                if (_retired || _work is not null)
                {
                    return false;
                }

                _work = work;
                Monitor.Pulse(this);
                return true;
            }
        }

        public void Loop()
        {
            while (true)
            {
                Action work;
                lock (this)
                {
                    if (_work is null)
                    {
                        Monitor.Wait(this, IdleLifetime);
                    }

                    if (_work is null)
                    {
                        // Unassigned for a while: retire. A pop racing with this finds _retired and looks further.
                        _retired = true;
                        return;
                    }

                    work = _work;
                }

                try
                {
                    work();
                }
                finally
                {
                    lock (this)
                    {
                        _work = null;
                    }

                    lock (Idle)
                    {
                        Idle.Push(this);
                    }
                }
            }
        }
    }
}
