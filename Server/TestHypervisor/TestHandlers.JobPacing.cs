using System.Diagnostics;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Calls virsh watches as jobs (save, managed save, core dump) take at least <see cref="JobMinimum"/>.
/// virsh (9.0 up to at least 11.3) makes such a call from a worker thread that quits virsh's watch loop when the call
/// returns; an answer that arrives before virsh's main thread has entered that loop leaves the loop running with
/// nobody to quit it, and virsh hangs. A real hypervisor, or libvirtd's test driver writing its image file, takes
/// far longer than that window; the in-memory hypervisor answers in microseconds, so it waits out the difference.
/// </summary>
internal sealed partial class TestHandlers
{
    private static readonly TimeSpan JobMinimum = TimeSpan.FromMilliseconds(100);

    private static async ValueTask AsJob(Action work)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            work();
        }
        finally
        {
            TimeSpan left = JobMinimum - Stopwatch.GetElapsedTime(started);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left).ConfigureAwait(false);
            }
        }
    }
}
