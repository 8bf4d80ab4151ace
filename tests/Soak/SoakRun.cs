using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using LibvirtRemote.Client;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server;
using LibvirtRemote.Server.TestHypervisor;

namespace LibvirtRemote.Soak;

/// <summary>What a soak run measured.</summary>
/// <param name="Calls">Calls made.</param>
/// <param name="Cycles">Connect/disconnect cycles made.</param>
/// <param name="HeapAfterWarmUp">Managed heap after full collections once warm-up ended.</param>
/// <param name="HeapCheckpoints">Managed heap after each round of the measured part; the last is the end.</param>
/// <param name="FdsBaseline">Open descriptors of the process after warm-up.</param>
/// <param name="FdsAtEnd">Open descriptors at the end, once every connection closed.</param>
/// <param name="Elapsed">Wall time of the measured part.</param>
public sealed record SoakResult(long Calls, int Cycles, long HeapAfterWarmUp, IReadOnlyList<long> HeapCheckpoints, int FdsBaseline, int FdsAtEnd, TimeSpan Elapsed)
{
    /// <summary>Managed heap at the end.</summary>
    public long HeapAtEnd => HeapCheckpoints[^1];

    /// <summary>Heap growth from the post-warm-up heap to the end (the issue's figure).</summary>
    public double HeapGrowth => HeapAfterWarmUp == 0 ? 0 : (double)(HeapAtEnd - HeapAfterWarmUp) / HeapAfterWarmUp;

    /// <summary>
    /// Growth over the measured part that the rounds' trend accounts for: the least-squares slope through the
    /// checkpoints times the number of rounds, relative to the post-warm-up heap. Memory kept per call or per
    /// connection grows every round and shows here; a one-off step (a cache or pool filling once) does not.
    /// </summary>
    public double HeapTrend
    {
        get
        {
            int n = HeapCheckpoints.Count;
            if (n < 2 || HeapAfterWarmUp == 0)
            {
                return HeapGrowth;
            }

            double meanX = (n - 1) / 2.0, meanY = HeapCheckpoints.Average(h => (double)h);
            double num = 0, den = 0;
            for (int i = 0; i < n; i++)
            {
                num += (i - meanX) * (HeapCheckpoints[i] - meanY);
                den += (i - meanX) * (i - meanX);
            }

            return num / den * n / HeapAfterWarmUp;
        }
    }

    /// <summary>Errors the server logged (handler failures); any is a failure.</summary>
    public int ServerErrors { get; init; }

    /// <summary>The issue's own figure: under 5 % growth from the post-warm-up heap to the end.</summary>
    public bool HeapBoundedEndToEnd => HeapGrowth < 0.05;

    /// <summary>The heap criterion: under 5 % growth end to end, or, failing that, under 5 % by trend.</summary>
    public bool HeapBounded => HeapGrowth < 0.05 || HeapTrend < 0.05;

    /// <summary>Heap bounded, descriptors back to the baseline, no server errors.</summary>
    public bool Passed => HeapBounded && FdsAtEnd <= FdsBaseline && ServerErrors == 0;

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Calls} calls, {Cycles} connect cycles in {Elapsed.TotalSeconds:F1} s; heap {HeapAfterWarmUp / 1024} KiB -> {HeapAtEnd / 1024} KiB ({HeapGrowth:P1} end to end, {HeapTrend:P1} by trend; rounds {string.Join(" ", HeapCheckpoints.Select(h => h / 1024))} KiB); fds {FdsBaseline} -> {FdsAtEnd}; {ServerErrors} server errors: {(Passed ? "PASS" : "FAIL")}");
}

/// <summary>
/// Runs calls from concurrent callers on one connection and connect/disconnect cycles against an in-process server
/// (embedded test hypervisor) over a private Unix socket, and measures heap and descriptors before and after.
/// </summary>
public static class SoakRun
{
    /// <summary>Runs the soak; <paramref name="calls"/> and <paramref name="cycles"/> include a 10 % warm-up.</summary>
    /// <param name="calls">Calls to make, warm-up included.</param>
    /// <param name="cycles">Connect/disconnect cycles to make, warm-up included.</param>
    /// <param name="callers">Concurrent callers on the calls' connection.</param>
    /// <param name="progress">Receives a line after warm-up and after each round.</param>
    /// <param name="hooks">Test-only: code run after every call and cycle (a test injects a leak through it).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<SoakResult> RunAsync(long calls, int cycles, int callers, Action<string>? progress = null, SoakHooks? hooks = null, CancellationToken cancellationToken = default)
    {
        string dir = Directory.CreateTempSubdirectory("lr-soak-").FullName;
        string socket = Path.Combine(dir, "sock");
        string uri = $"test+unix:///default?socket={socket}";
        var errors = new List<string>();
        await using var server = new LibvirtServer(new TestBackend(), null, (level, message) =>
        {
            lock (errors)
            {
                errors.Add($"{level}: {message}");
            }
        })
        { LogLevel = LogLevelName.Error };
        server.ListenUnix(socket, new ListenerOptions());
        try
        {
            FillCastCache();

            // Warm-up: a tenth of each workload, so pools, JIT and caches reach their steady size.
            await CallsAsync(uri, calls / 10, callers, hooks, cancellationToken).ConfigureAwait(false);
            await CyclesAsync(uri, cycles / 10, hooks, cancellationToken).ConfigureAwait(false);
            if (!await OccupyEveryPoolThreadAsync(cancellationToken).ConfigureAwait(false))
            {
                progress?.Invoke("thread pool size not fixed (or not all its threads started): readings move by ~2 KiB per pool thread started or retired");
            }

            // Everything the measuring itself keeps until the end is made before the first reading, so that it is in
            // every reading: the descriptor snapshot alone is ~100 strings (~16 KiB, 2-3 % of this heap).
            const int Rounds = 5;
            var checkpoints = new List<long>(Rounds);
            var watch = new Stopwatch();
            int fdsBefore = await SettledFdCountAsync(cancellationToken).ConfigureAwait(false);
            HashSet<string> fdTargetsBefore = FdTargets();
            long heapBefore = await SettledHeapAsync(cancellationToken).ConfigureAwait(false);
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"warm-up done: heap {heapBefore / 1024} KiB, {fdsBefore} fds{(PooledArraysReleasedByCollections ? string.Empty : "; per-thread pooled arrays are not released by collections here, so readings move by their size")}"));

            // The measured part runs in rounds with a heap reading after each, so a leak shows as a trend.
            watch.Start();
            long measuredCalls = calls - (calls / 10);
            int measuredCycles = cycles - (cycles / 10);
            for (int round = 0; round < Rounds; round++)
            {
                await CallsAsync(uri, Share(measuredCalls, round, Rounds), callers, hooks, cancellationToken).ConfigureAwait(false);
                await CyclesAsync(uri, (int)Share(measuredCycles, round, Rounds), hooks, cancellationToken).ConfigureAwait(false);
                watch.Stop();
                checkpoints.Add(await SettledHeapAsync(cancellationToken).ConfigureAwait(false));
                progress?.Invoke($"round {round + 1}/{Rounds}: heap {checkpoints[^1] / 1024} KiB after {watch.Elapsed.TotalSeconds:F1} s");
                watch.Start();
            }

            watch.Stop();

            // Closed connections finish on the server a moment after the client returns.
            int fdsAfter = OpenFds();
            for (int i = 0; i < 50 && fdsAfter > fdsBefore; i++)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                fdsAfter = OpenFds();
            }

            lock (errors)
            {
                foreach (string error in errors.Take(5))
                {
                    progress?.Invoke("server: " + error);
                }
            }

            if (fdsAfter > fdsBefore)
            {
                progress?.Invoke("descriptors opened since warm-up: " + string.Join(", ", FdTargets().Except(fdTargetsBefore)));
            }

            return new SoakResult(calls, cycles, heapBefore, checkpoints, fdsBefore, fdsAfter, watch.Elapsed) { ServerErrors = errors.Count };
        }
        finally
        {
            await server.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task CallsAsync(string uri, long count, int callers, SoakHooks? hooks, CancellationToken cancellationToken)
    {
        await using LibvirtConnection client = await LibvirtConnection.OpenAsync(uri, cancellationToken: cancellationToken).ConfigureAwait(false);
        NonnullDomain domain = (await client.Remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = "test" }, cancellationToken).ConfigureAwait(false)).Dom;
        long next = 0;
        var workers = new Task[callers];
        for (int w = 0; w < callers; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    while (Interlocked.Increment(ref next) <= count)
                    {
                        if ((next & 1) == 0)
                        {
                            await client.Remote.DomainGetInfoAsync(new DomainGetInfoArgs { Dom = domain }, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await client.Remote.ConnectGetLibVersionAsync(cancellationToken).ConfigureAwait(false);
                        }

                        hooks?.AfterCall?.Invoke();
                    }
                },
                cancellationToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private static async Task CyclesAsync(string uri, int count, SoakHooks? hooks, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            await using (LibvirtConnection client = await LibvirtConnection.OpenAsync(uri, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                await client.Remote.ConnectGetHostnameAsync(cancellationToken).ConfigureAwait(false);
            }

            hooks?.AfterCycle?.Invoke();
        }
    }

    private static long Share(long total, int round, int rounds) => (total * (round + 1) / rounds) - (total * round / rounds);

    // The heap here is well under a megabyte, so a transient object or two moves it by a per cent: collect fully a
    // few times, a moment apart, and take the smallest reading. What is read is what the last full collection left
    // live (not GC.GetTotalMemory, which also counts whatever any thread allocated since).
    //
    // The shared array pools hold spare buffers (16 KiB write segments, 4 KiB pipe segments, char buffers) in two
    // places: one per size per thread that returned one, and up to 32 per size per core. How many sit there at a
    // reading depends on which threads exist (pool threads come and go with load), which thread last returned or
    // rented, and on the pool's own clock (it drops spares after 30 s / 60 s) -- not on the work done, and it moved
    // this reading by 16-80 KiB from one round to the next. They are spare capacity, bounded, not retained: the per-
    // core stacks are emptied here by renting until the pool has to allocate, and the per-thread ones are released
    // by the runtime on every full collection because the soak process declares memory "high" at 1 % (Soak.csproj:
    // System.GC.HighMemoryPercent). A buffer that the library rents and never returns is not in the pool and still
    // counts.
    private static async Task<long> SettledHeapAsync(CancellationToken cancellationToken)
    {
        long smallest = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            EmptySharedPool<byte>();
            EmptySharedPool<char>();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            smallest = Math.Min(smallest, LiveAfterLastFullCollection());
        }

        return smallest;
    }

    // The runtime caches the outcome of type casts in one table that doubles (up to 4,096 entries, ~96 KiB) when a
    // new pair of types finds its slots taken. Which pair does that, and when, depends on where the types happen to
    // sit in memory, so the table stepped from 48 to 96 KiB at a random point of some runs (+11 % of this heap). Asking
    // a few thousand type questions up front grows it to its largest size before anything is measured.
    private static void FillCastCache()
    {
        Type[] exported = typeof(object).Assembly.GetExportedTypes();
        Type[] classes = [.. exported.Where(t => t.IsClass && !t.ContainsGenericParameters).Take(128)];
        Type[] interfaces = [.. exported.Where(t => t.IsInterface && !t.ContainsGenericParameters)];
        foreach (Type source in classes)
        {
            foreach (Type target in interfaces)
            {
                _ = source.IsAssignableTo(target);
            }
        }
    }

    private static long LiveAfterLastFullCollection()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        long live = 0;
        foreach (GCGenerationInfo generation in info.GenerationInfo)
        {
            live += generation.SizeAfterBytes - generation.FragmentationAfterBytes;
        }

        return live;
    }

    // Whether this process's full collections release the arrays pooled per thread: the shared pool does so when the
    // runtime reports high memory pressure (90 % of the configured threshold, which Soak.csproj sets at 1 %).
    private static bool PooledArraysReleasedByCollections
    {
        get
        {
            GCMemoryInfo info = GC.GetGCMemoryInfo();
            return info.HighMemoryLoadThresholdBytes > 0 && info.MemoryLoadBytes >= info.HighMemoryLoadThresholdBytes * 0.9;
        }
    }

    // Rents from the shared pool, size by size, until it allocates (its spares for that size are gone), and drops
    // what it got: this thread's spare and every core's stack. Sizes up to 1 Mi elements, beyond what the soak uses.
    private static void EmptySharedPool<T>()
    {
        var taken = new List<T[]>();
        for (int length = 16; length <= 1 << 20; length *= 2)
        {
            while (true)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                T[] array = ArrayPool<T>.Shared.Rent(length);
                if (GC.GetAllocatedBytesForCurrentThread() - before >= length)
                {
                    break;
                }

                taken.Add(array);
            }

            taken.Clear();
        }
    }

    // Every pool thread carries ~2 KiB of its own bookkeeping (work-stealing queue, per-thread pool and random
    // state, counters), made the first time it runs something. How many threads exist moves with the pool's hill
    // climbing and idle retirement, not with the work: a short run measured +13 KiB (six more pool threads) after
    // warm-up. When the process fixes the pool's size and keeps its threads (Program.cs, Soak.csproj), one work item
    // per thread, held at a barrier until all have started, makes every thread exist and set up its state before the
    // baseline. Returns false when the pool's size is not fixed (e.g. inside a test host) or a thread did not start.
    private static async Task<bool> OccupyEveryPoolThreadAsync(CancellationToken cancellationToken)
    {
        ThreadPool.GetMinThreads(out int min, out _);
        ThreadPool.GetMaxThreads(out int max, out _);
        if (min != max)
        {
            return false;
        }

        using var barrier = new Barrier(min);
        var items = new Task<bool>[min];
        for (int i = 0; i < min; i++)
        {
            items[i] = Task.Factory.StartNew(
                () =>
                {
                    ArrayPool<byte>.Shared.Return(ArrayPool<byte>.Shared.Rent(16));
                    ArrayPool<char>.Shared.Return(ArrayPool<char>.Shared.Rent(16));
                    _ = Random.Shared.Next();
                    return barrier.SignalAndWait(TimeSpan.FromSeconds(30), cancellationToken);
                },
                cancellationToken,
                TaskCreationOptions.None,
                TaskScheduler.Default);
        }

        bool[] met = await Task.WhenAll(items).ConfigureAwait(false);
        return met.All(m => m);
    }

    // The server closes its end of the last warm-up connection a moment after the client returns: count once the
    // figure stops moving, so that the baseline does not include a descriptor about to go.
    private static async Task<int> SettledFdCountAsync(CancellationToken cancellationToken)
    {
        int last = OpenFds();
        for (int i = 0; i < 50; i++)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            int now = OpenFds();
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static HashSet<string> FdTargets()
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return targets;
        }

        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                targets.Add($"{Path.GetFileName(fd)}->{new FileInfo(fd).LinkTarget}");
            }
            catch (IOException)
            {
            }
        }

        return targets;
    }

    // Counts descriptors that a leak would leave (sockets, pipes, files), not the assembly and symbol files the
    // runtime maps lazily the first time it needs them (e.g. to format an exception's stack) and keeps for good.
    private static int OpenFds() => FdTargets().Count(t => !t.EndsWith(".dll", StringComparison.Ordinal) && !t.EndsWith(".pdb", StringComparison.Ordinal) && !t.EndsWith(".so", StringComparison.Ordinal));
}
