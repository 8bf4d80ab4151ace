using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// <c>Compare events URI CONNECTIONS EVENTS</c>: P8's subscriber side. Opens CONNECTIONS connections, each subscribed
/// to domain lifecycle events, says READY; on GO a further connection asks the server (BenchHandlers'
/// DomainSetAutostart) to publish EVENTS events, and the run ends when every subscriber has them all or after 60 s.
/// Prints the usual RESULT line with calls = events delivered, plus lost= (expected minus delivered).
/// </summary>
internal static class EventsLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        string uri = args[0];
        int connections = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        int events = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var subscribers = new List<LibvirtConnection>(connections);
        using var stop = new CancellationTokenSource();
        long delivered = 0;
        int overflowed = 0;
        // Counted down without blocking a thread: a blocked waiter on two cores would slow the readers it waits for.
        var registered = new Countdown(connections);
        var finished = new Countdown(connections);
        var readers = new List<Task>(connections);
        for (int i = 0; i < connections; i++)
        {
            LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).ConfigureAwait(false);
            subscribers.Add(connection);
            var options = new EventSubscriptionOptions { Capacity = Math.Max(EventSubscriptionOptions.DefaultCapacity, events * 2), Registered = _ => registered.Signal() };
            readers.Add(Task.Run(async () =>
            {
                int mine = 0;
                bool done = false;
                try
                {
                    await foreach (DomainLifecycleEvent e in connection.Events.DomainLifecycleAsync(options: options, cancellationToken: stop.Token).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref delivered);
                        if (++mine == events && !done)
                        {
                            done = true;
                            finished.Signal();
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
                catch (EventQueueOverflowException)
                {
                    Interlocked.Increment(ref overflowed);
                    if (!done)
                    {
                        done = true;
                        finished.Signal();
                    }
                }
            }));
        }

        if (!await registered.WaitAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false))
        {
            throw new TimeoutException("P8: subscriptions were not registered within 120 s");
        }

        await using LibvirtConnection trigger = await LibvirtConnection.OpenAsync(uri).ConfigureAwait(false);
        Domain test = await trigger.LookupDomainByNameAsync("test").ConfigureAwait(false);
        Console.Out.WriteLine("READY");
        Console.Out.Flush();
        if (await Console.In.ReadLineAsync().ConfigureAwait(false) is null)
        {
            return 1;
        }

        using var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await trigger.Remote.DomainSetAutostartAsync(new DomainSetAutostartArgs { Dom = test, Autostart = events }).ConfigureAwait(false);
        bool all = await finished.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        long got = Interlocked.Read(ref delivered);
        long lost = (long)connections * events - got;
        Console.Out.WriteLine(FormattableString.Invariant($"RESULT calls={got} seconds={seconds:F6} bytes=0 user={cpu:F6} sys=0 lost={lost} overflowed={overflowed} complete={(all ? 1 : 0)}"));
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is not null)
        {
        }

        await stop.CancelAsync().ConfigureAwait(false);
        foreach (LibvirtConnection connection in subscribers)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private sealed class Countdown(int count)
    {
        private readonly TaskCompletionSource _zero = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = count;

        public void Signal()
        {
            if (Interlocked.Decrement(ref _left) == 0)
            {
                _zero.TrySetResult();
            }
        }

        public async Task<bool> WaitAsync(TimeSpan timeout)
        {
            try
            {
                await _zero.Task.WaitAsync(timeout).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }
}
