using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>CPU time of a live process (user + system) from /proc/PID/stat.</summary>
internal static class ProcStat
{
    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100.0;

    public static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");

        // The command name (field 2) is in parentheses and may hold spaces; fields after it are plain.
        string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
        long utime = long.Parse(rest[11], CultureInfo.InvariantCulture);
        long stime = long.Parse(rest[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }
}
