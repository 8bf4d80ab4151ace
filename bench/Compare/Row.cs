using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>One line of the results table.</summary>
internal sealed record Row(string Id, string Scenario, string Baseline, string Ours, string Ratio, string Target, string Result)
{
    public const string NotMeasured = "not measured yet";

    public static Row Missing(string id, string scenario, string target, string why) => new(id, scenario, "—", "—", "—", target, NotMeasured + (why.Length > 0 ? $" ({why})" : string.Empty));

    /// <summary>A row where bigger is better: PASS when ours/baseline ≥ <paramref name="target"/>.</summary>
    public static Row AtLeast(string id, string scenario, double baseline, double ours, double target, Func<double, string> format)
    {
        double ratio = ours / baseline;
        return new(id, scenario, format(baseline), format(ours), FormatRatio(ratio), $"≥ {target.ToString("0.##", CultureInfo.InvariantCulture)}×", Verdict(ratio >= target, ratio));
    }

    /// <summary>A row where smaller is better: PASS when ours/baseline ≤ <paramref name="target"/>.</summary>
    public static Row AtMost(string id, string scenario, double baseline, double ours, double target, Func<double, string> format)
    {
        double ratio = ours / baseline;
        return new(id, scenario, format(baseline), format(ours), FormatRatio(ratio), $"≤ {target.ToString("0.##", CultureInfo.InvariantCulture)}×", Verdict(ratio <= target, ratio));
    }

    /// <summary>A row reported for information: no target in the issue.</summary>
    public static Row Info(string id, string scenario, double baseline, double ours, Func<double, string> format)
        => new(id, scenario, format(baseline), format(ours), FormatRatio(ours / baseline), "(report only)", "—");

    /// <summary>
    /// A report-only row for one process's CPU: per call and in cores kept busy, which tells a side that ran out of
    /// CPU from one that waited on its peer.
    /// </summary>
    public static Row Cpu(string id, string scenario, double baselineUsPerCall, double baselineCallsPerSecond, double oursUsPerCall, double oursCallsPerSecond)
        => new(id, scenario, CpuCell(baselineUsPerCall, baselineCallsPerSecond), CpuCell(oursUsPerCall, oursCallsPerSecond), FormatRatio(oursUsPerCall / baselineUsPerCall), "(report only)", "—");

    public static string FormatRatio(double ratio) => double.IsFinite(ratio) ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";

    public static string PerSecond(double value) => double.IsFinite(value) ? value.ToString("N0", CultureInfo.InvariantCulture) + "/s" : "—";

    public static string Number(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    public static string Micros(double value) => double.IsFinite(value) ? value.ToString(value < 10 ? "0.00" : "N1", CultureInfo.InvariantCulture) + " µs" : "—";

    public static string MegabytesPerSecond(double bytesPerSecond) => double.IsFinite(bytesPerSecond) ? (bytesPerSecond / 1e6).ToString("N0", CultureInfo.InvariantCulture) + " MB/s" : "—";

    private static string CpuCell(double usPerCall, double callsPerSecond)
        => double.IsFinite(usPerCall) ? $"{Micros(usPerCall)}, {(usPerCall * callsPerSecond / 1e6).ToString("0.00", CultureInfo.InvariantCulture)} cores" : "—";

    // A zero or missing baseline is not a failure of the run: CPU time from /proc ticks in 10 ms steps, so a short
    // window can measure none at all. Say so instead of inventing a ratio.
    private static string Verdict(bool pass, double ratio) => !double.IsFinite(ratio) ? "NOT MEASURABLE (window below the clock tick)" : pass ? "PASS" : "FALL SHORT";
}
