namespace LibvirtRemote.Bench.Compare;

/// <summary>Medians over the repetitions of one side of a comparison (each metric's median on its own).</summary>
internal sealed record Summary(double CallsPerSecond, double BytesPerSecond, double ClientCpuPerCallUs, double ServerCpuPerCallUs, double WakeUpsPerCall, int Runs)
{
    public static Summary Of(IReadOnlyList<LoadResult> runs) => new(
        Median(runs.Select(r => r.CallsPerSecond)),
        Median(runs.Select(r => r.BytesPerSecond)),
        Median(runs.Select(r => r.ClientCpuPerCallUs)),
        Median(runs.Select(r => r.ServerCpuPerCallUs)),
        Median(runs.Select(r => r.WakeUpsPerCall)),
        runs.Count);

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
