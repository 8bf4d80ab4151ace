using System.Diagnostics;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// Times how long after a fault each of many pending operations fails: every task's completion is stamped on the
/// thread that completes it, so the figure does not include the test awaiting them one by one.
/// </summary>
internal sealed class FaultClock
{
    private readonly Stopwatch _clock = new();
    private long _lastTicks;

    /// <summary>Starts the clock: call right before injecting the fault.</summary>
    public void Start() => _clock.Restart();

    /// <summary>Time from <see cref="Start"/> to the last stamped completion.</summary>
    public TimeSpan Last => TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks));

    /// <summary>Stamps <paramref name="task"/>'s completion and returns it.</summary>
    public Task Watch(Task task)
    {
        task.ContinueWith(
            _ =>
            {
                long now = _clock.Elapsed.Ticks;
                long seen;
                do
                {
                    seen = Interlocked.Read(ref _lastTicks);
                }
                while (now > seen && Interlocked.CompareExchange(ref _lastTicks, now, seen) != seen);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }
}
