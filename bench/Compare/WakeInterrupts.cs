using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// Cross-CPU wake-ups on the whole machine so far: the rescheduling and function-call interrupts of
/// /proc/interrupts (RES and CAL), summed over CPUs. The kernel sends one of these when a thread wakes another that
/// last ran on a different CPU, and on a VM whose host traps them each costs the waker several microseconds
/// (bench/cload/wakecost.c measures how many), so a run reports how many a side caused per call.
/// </summary>
internal static class WakeInterrupts
{
    public static long Read()
    {
        long total = 0;
        foreach (string line in File.ReadLines("/proc/interrupts"))
        {
            string trimmed = line.TrimStart();
            if (!trimmed.StartsWith("RES:", StringComparison.Ordinal) && !trimmed.StartsWith("CAL:", StringComparison.Ordinal))
            {
                continue;
            }

            // "RES:   123   456   Rescheduling interrupts": per-CPU counts, then the description.
            foreach (string field in trimmed[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                {
                    break;
                }

                total += count;
            }
        }

        return total;
    }
}
