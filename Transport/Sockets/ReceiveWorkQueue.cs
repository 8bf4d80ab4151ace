namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// The work one pipe's receive thread collected while its reader consumed a receive, and who owns the receive loop.
/// Ownership is a generation number: a watchdog that finds the owner stuck in work hands the loop to a new thread
/// with the next generation, and the stuck thread, once its work returns, sees it is no longer the owner and leaves.
/// </summary>
internal sealed class ReceiveWorkQueue
{
    // Work that runs this long delays the replies of every other caller: whatever is left goes to the pool.
    private const long SlowItemMilliseconds = 2;

    private readonly Lock _lock = new();
    private readonly Queue<IThreadPoolWorkItem> _items = new();
    private readonly Action _takeOver;
    private int _generation;
    private long _runningSince;
    private volatile bool _runningLast;

    /// <param name="takeOver">Starts a new receive thread for the pipe; called by the watchdog.</param>
    public ReceiveWorkQueue(Action takeOver) => _takeOver = takeOver;

    /// <summary>
    /// Whether the item running now is the last one collected: what it sends has no later item of the same receive to
    /// join, so holding it back would only cost the send loop a second wake-up.
    /// </summary>
    public bool RunningLast => _runningLast;

    /// <summary>The generation of the current owner of the receive loop.</summary>
    public int Generation
    {
        get
        {
            lock (_lock)
            {
                return _generation;
            }
        }
    }

    public void Add(IThreadPoolWorkItem item)
    {
        lock (_lock)
        {
            _items.Enqueue(item);
        }
    }

    /// <summary>
    /// Runs the collected work on the calling receive thread. Returns <see langword="false"/> when the loop was handed
    /// to another thread meanwhile: the caller must then leave the pipe alone.
    /// </summary>
    public bool Run(int generation)
    {
        lock (_lock)
        {
            if (_generation != generation)
            {
                return false;
            }

            if (_items.Count == 0)
            {
                return true;
            }
        }

        while (true)
        {
            IThreadPoolWorkItem item;
            long started = Environment.TickCount64;
            lock (_lock)
            {
                if (_generation != generation)
                {
                    return false;
                }

                if (!_items.TryDequeue(out item!))
                {
                    _runningSince = 0;
                    return true;
                }

                _runningSince = started;
                _runningLast = _items.Count == 0;
            }

            try
            {
                item.Execute();
            }
            catch (Exception e)
            {
                ReceiveThreadWork.Rethrow(e);
            }
            finally
            {
                _runningLast = false;
            }

            if (Environment.TickCount64 - started >= SlowItemMilliseconds)
            {
                lock (_lock)
                {
                    if (_generation != generation)
                    {
                        return false;
                    }

                    _runningSince = 0;
                    MoveToPool();
                    return true;
                }
            }
        }
    }

    /// <summary>Called by the watchdog: takes the loop from an owner stuck in work for <paramref name="stallMilliseconds"/>.</summary>
    public void TakeOverIfStalled(long now, long stallMilliseconds)
    {
        lock (_lock)
        {
            if (_runningSince == 0 || now - _runningSince < stallMilliseconds)
            {
                return;
            }

            _runningSince = 0;
            _generation++;
            MoveToPool();
        }

        _takeOver();
    }

    private void MoveToPool()
    {
        while (_items.TryDequeue(out IThreadPoolWorkItem? item))
        {
            ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
        }
    }
}
