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

    /// <summary>Runs <paramref name="work"/> on a parked receive thread, or a new one; completes when it returns.</summary>
    public static Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Idle)
        {
            while (Idle.TryPop(out Worker? worker))
            {
                if (worker.TryAssign(work, done))
                {
                    return done.Task;
                }
            }
        }

        var fresh = new Worker();
        fresh.TryAssign(work, done);
        var thread = new Thread(fresh.Loop) { IsBackground = true, Name = "libvirt unix receive" };
        thread.UnsafeStart();
        return done.Task;
    }

    private sealed class Worker
    {
        private Action? _work;
        private TaskCompletionSource? _done;
        private bool _retired;

        public bool TryAssign(Action work, TaskCompletionSource done)
        {
            lock (this)
            {
                if (_retired || _work is not null)
                {
                    return false;
                }

                _work = work;
                _done = done;
                Monitor.Pulse(this);
                return true;
            }
        }

        public void Loop()
        {
            while (true)
            {
                Action work;
                TaskCompletionSource done;
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
                    done = _done!;
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
                        _done = null;
                    }

                    lock (Idle)
                    {
                        Idle.Push(this);
                    }

                    done.SetResult();
                }
            }
        }
    }
}
