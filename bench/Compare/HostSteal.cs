using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// CPU time the VM's host took away (the "steal" column of /proc/stat's cpu line). On a shared VM it slows every
/// side of a run by different amounts at different moments, so a results file states it next to the load average.
/// </summary>
internal readonly record struct HostSteal(long Steal, long Total)
{
    public static HostSteal Read()
    {
        string? line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null)
        {
            return default;
        }

        // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
        long[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return fields.Length < 8 ? default : new HostSteal(fields[7], fields.Sum());
    }

    /// <summary>Share of all CPU time between <paramref name="before"/> and this reading that the host stole.</summary>
    public double PercentSince(HostSteal before)
        => Total > before.Total ? 100.0 * (Steal - before.Steal) / (Total - before.Total) : double.NaN;
}
