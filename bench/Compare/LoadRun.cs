using System.Diagnostics;
using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>What one load process measured, plus the CPU the runner saw for it and for the server in its window.</summary>
internal sealed record LoadResult(long Calls, double Seconds, long Bytes, double ClientCpu, double ServerCpu, double ClientCpuSelf)
{
    /// <summary>99th percentile call latency in µs (sequential runs of our client only).</summary>
    public double P99Us { get; init; } = double.NaN;

    /// <summary>Managed bytes the load process allocated in its window (our client only; NaN for the C programs).</summary>
    public double Allocated { get; init; } = double.NaN;

    /// <summary>Cross-CPU wake-ups on the whole machine during the window (<see cref="WakeInterrupts"/>).</summary>
    public long WakeUps { get; init; }

    /// <summary>Events a subscriber should have had but did not (P8).</summary>
    public long Lost { get; init; }

    public double CallsPerSecond => Calls / Seconds;

    public double BytesPerSecond => Bytes / Seconds;

    public double ClientCpuPerCallUs => Calls == 0 ? double.NaN : ClientCpu / Calls * 1e6;

    public double ServerCpuPerCallUs => Calls == 0 ? double.NaN : ServerCpu / Calls * 1e6;

    public double WakeUpsPerCall => Calls == 0 ? double.NaN : (double)WakeUps / Calls;
}

/// <summary>
/// Runs one load process (cload or <c>Compare load</c>): waits for READY, samples /proc CPU of client and server,
/// says go, waits for RESULT, samples again while the process still lives, then closes its stdin.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadResult> RunAsync(string program, IReadOnlyList<string> arguments, int serverPid, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            string? line = await process.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false);
            if (line != "READY")
            {
                throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)}: expected READY, got '{line}': {await WaitErrorAsync(process, stderr).ConfigureAwait(false)}");
            }

            double client0 = ProcStat.CpuSeconds(process.Id), server0 = ProcStat.CpuSeconds(serverPid);
            long wakeUps0 = WakeInterrupts.Read();
            await process.StandardInput.WriteLineAsync("GO").ConfigureAwait(false);
            await process.StandardInput.FlushAsync(cts.Token).ConfigureAwait(false);
            line = await process.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false);
            double client1 = ProcStat.CpuSeconds(process.Id), server1 = ProcStat.CpuSeconds(serverPid);
            long wakeUps1 = WakeInterrupts.Read();
            if (line is null || !line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)}: expected RESULT, got '{line}': {await WaitErrorAsync(process, stderr).ConfigureAwait(false)}");
            }

            Dictionary<string, string> fields = line[7..].Split(' ').Select(f => f.Split('=')).ToDictionary(p => p[0], p => p[1]);
            double Num(string key) => double.Parse(fields[key], CultureInfo.InvariantCulture);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return new LoadResult((long)Num("calls"), Num("seconds"), (long)Num("bytes"), client1 - client0, server1 - server0, Num("user") + Num("sys"))
            {
                P99Us = fields.ContainsKey("p99us") ? Num("p99us") : double.NaN,
                Lost = fields.ContainsKey("lost") ? (long)Num("lost") : 0,
                Allocated = fields.ContainsKey("allocated") ? Num("allocated") : double.NaN,
                WakeUps = wakeUps1 - wakeUps0,
            };
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task<string> WaitErrorAsync(Process process, Task<string> stderr)
    {
        process.StandardInput.Close();
        if (!process.WaitForExit(5000))
        {
            process.Kill();
        }

        return await stderr.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}
