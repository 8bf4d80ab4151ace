using System.Diagnostics;
using System.Security.Cryptography;
using LibvirtRemote.Fuzz.Targets;

namespace LibvirtRemote.Fuzz;

/// <summary>Runs mutated inputs through a target and checks the invariants: no unexpected exception, bounded time, bounded allocation.</summary>
public sealed class FuzzEngine
{
    private const int PoolLimit = 4096;
    private readonly FuzzOptions _options;
    private readonly SeedCorpus _corpus;

    /// <summary>Creates an engine.</summary>
    public FuzzEngine(FuzzOptions options, SeedCorpus corpus)
    {
        _options = options;
        _corpus = corpus;
    }

    /// <summary>Whether a hang ends the process (console runner) instead of only being recorded.</summary>
    public static bool ExitOnHang { get; set; }

    /// <summary>Fuzzes one target for the configured budget.</summary>
    public FuzzReport Run(IFuzzTarget target)
    {
        var report = new FuzzReport { Target = target.Name };
        var seeds = target.Seeds(_corpus).Where(s => s.Length > 0).ToList();
        if (seeds.Count == 0)
        {
            throw new InvalidOperationException($"{target.Name} has no seeds");
        }

        // Accepted mutants join a bounded pool, so later mutations build on inputs that got past the first checks.
        var pool = new List<byte[]>(seeds);
        var random = new Random(HashCode.Combine(_options.Seed, StableHash(target.Name)));
        using var watchdog = new Watchdog(this, target, report);
        var clock = Stopwatch.StartNew();
        long nextLog = 1;
        for (long i = 0; i < _options.Inputs; i++)
        {
            byte[] input = i < seeds.Count
                ? seeds[(int)i]
                : Mutator.Mutate(
                    pool[random.Next(pool.Count)],
                    pool[random.Next(pool.Count)],
                    random,
                    framed: target is IFramedTarget,
                    structure: random.Next(4) == 0 ? data => target.MutateStructure(data, random) : null);

            if (RunOne(target, input, report, watchdog) && pool.Count < PoolLimit + seeds.Count && input.Length < 1 << 20)
            {
                pool.Add(input);
            }
            else if (pool.Count >= PoolLimit + seeds.Count && random.Next(16) == 0)
            {
                pool[seeds.Count + random.Next(PoolLimit)] = input;
            }

            report.Inputs = i + 1;
            if ((i + 1) % _options.HealthEvery == 0)
            {
                CheckHealth(target, report, input);
            }

            if (report.Failures.Count >= _options.MaxFailures || (_options.Duration is { } d && clock.Elapsed > d))
            {
                break;
            }

            if (_options.Log is not null && clock.ElapsedMilliseconds >= nextLog * 10_000)
            {
                nextLog++;
                report.Elapsed = clock.Elapsed;
                _options.Log(report.ToString());
            }
        }

        CheckHealth(target, report, []);
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Runs saved inputs again (no mutation) and reports how each fares.</summary>
    public FuzzReport Replay(IFuzzTarget target, IEnumerable<byte[]> inputs)
    {
        var report = new FuzzReport { Target = target.Name };
        using var watchdog = new Watchdog(this, target, report);
        var clock = Stopwatch.StartNew();
        foreach (byte[] input in inputs)
        {
            RunOne(target, input, report, watchdog);
            report.Inputs++;
        }

        CheckHealth(target, report, []);
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Returns true when the input was accepted.</summary>
    private bool RunOne(IFuzzTarget target, byte[] input, FuzzReport report, Watchdog watchdog)
    {
        watchdog.Start(input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        bool accepted = false;
        try
        {
            target.Run(input);
            accepted = true;
            report.Accepted++;
        }
#pragma warning disable CA1031 // Every exception is classified: documented rejection or bug.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (target.IsExpected(e))
            {
                report.Rejected++;
            }
            else
            {
                Record(target, report, "crash", e.ToString(), input);
            }
        }
        finally
        {
            watchdog.Stop();
        }

        TimeSpan took = Stopwatch.GetElapsedTime(started);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (took > report.Slowest)
        {
            report.Slowest = took;
        }

        if (took > _options.TimeBound)
        {
            Record(target, report, "slow", $"took {took.TotalMilliseconds:F0} ms (bound {_options.TimeBound.TotalMilliseconds:F0} ms)", input);
        }

        if (target.MeasuresAllocation)
        {
            if (input.Length >= 64)
            {
                report.MaxAllocationRatio = Math.Max(report.MaxAllocationRatio, (double)allocated / input.Length);
            }

            long limit = ((long)_options.AllocationFactor * input.Length) + _options.AllocationSlack;
            if (allocated > limit)
            {
                Record(target, report, "alloc", $"allocated {allocated:N0} bytes for a {input.Length:N0}-byte input (limit {limit:N0})", input);
            }
        }

        return accepted;
    }

    private void CheckHealth(IFuzzTarget target, FuzzReport report, byte[] lastInput)
    {
        try
        {
            target.CheckHealth();
        }
#pragma warning disable CA1031 // A broken health check is a finding, not a reason to stop the run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Record(target, report, "health", e.ToString(), lastInput);
        }
    }

    private void Record(IFuzzTarget target, FuzzReport report, string kind, string detail, byte[] input)
    {
        string? file = null;
        if (_options.FailureDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            string hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
            file = Path.Combine(dir, $"{target.Name}-{kind}-{hash}.bin");
            File.WriteAllBytes(file, input);
            File.WriteAllText(Path.ChangeExtension(file, ".txt"), detail);
        }

        lock (report.Failures)
        {
            report.Failures.Add(new FuzzFailure(kind, detail, input, file));
        }

        _options.Log?.Invoke($"FAILURE {target.Name} {kind}: {FirstLine(detail)}{(file is null ? string.Empty : " -> " + file)}");
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? text : text[..nl];
    }

    private static int StableHash(string text)
    {
        int hash = 17;
        foreach (char c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }

    /// <summary>Notices an input that never finishes: records it (so it can be replayed) and, in the console runner, ends the process.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly FuzzEngine _engine;
        private readonly IFuzzTarget _target;
        private readonly FuzzReport _report;
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _stop = new();
        private byte[]? _input;
        private long _since;
        private bool _reported;

        public Watchdog(FuzzEngine engine, IFuzzTarget target, FuzzReport report)
        {
            _engine = engine;
            _target = target;
            _report = report;
            _thread = new Thread(Watch) { IsBackground = true, Name = "fuzz watchdog" };
            _thread.Start();
        }

        public void Start(byte[] input)
        {
            Volatile.Write(ref _since, Stopwatch.GetTimestamp());
            Volatile.Write(ref _input, input);
        }

        public void Stop() => Volatile.Write(ref _input, null);

        public void Dispose()
        {
            _stop.Set();
            _thread.Join();
            _stop.Dispose();
        }

        private void Watch()
        {
            while (!_stop.Wait(200))
            {
                byte[]? input = Volatile.Read(ref _input);
                if (input is null || _reported || Stopwatch.GetElapsedTime(Volatile.Read(ref _since)) < _engine._options.HangLimit)
                {
                    continue;
                }

                _reported = true;
                _engine.Record(_target, _report, "hang", $"still running after {_engine._options.HangLimit.TotalSeconds:F0} s", input);
                if (FuzzEngine.ExitOnHang)
                {
                    Console.Error.WriteLine("Hang: exiting (the input is saved for --replay)");
                    Environment.Exit(3);
                }
            }
        }
    }
}
