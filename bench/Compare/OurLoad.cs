using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Streams;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// Our client's side of a scenario, run in its own process (<c>Compare load ...</c>) so its CPU time is its own.
/// Same arguments and stdin/stdout handshake as bench/cload/cload.c.
/// </summary>
internal static class OurLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        string uri = args[0];
        string mode = args[1];
        int callers = Math.Max(1, int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        double seconds = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        ulong volumeBytes = args.Length > 4 ? ulong.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0;

        LibvirtConnection? connection = null;
        Domain? domain = null;
        StorageVolume? volume = null;
        byte[] buffer = new byte[262_144];
        if (mode != "openclose")
        {
            connection = await LibvirtConnection.OpenAsync(uri).ConfigureAwait(false);
            if (mode is "getinfo" or "screenshot")
            {
                domain = await connection.LookupDomainByNameAsync("test").ConfigureAwait(false);
            }

            if (mode == "download")
            {
                StoragePool pool = await connection.LookupStoragePoolByNameAsync("default-pool").ConfigureAwait(false);
                volume = await pool.LookupVolumeByNameAsync("bench.img").ConfigureAwait(false);
            }
        }

        async Task<long> OneCallAsync(byte[] buf)
        {
            switch (mode)
            {
                case "version":
                    await connection!.GetLibVersionAsync().ConfigureAwait(false);
                    return 0;
                case "listall":
                    await connection!.ListAllDomainsAsync().ConfigureAwait(false);
                    return 0;
                case "getinfo":
                    await domain!.GetInfoAsync().ConfigureAwait(false);
                    return 0;
                case "openclose":
                    await (await LibvirtConnection.OpenAsync(uri).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
                    return 0;
                case "download":
                {
                    await using LibvirtStream stream = await connection!.StorageVolDownloadAsync(volume!.Wire, 0, volumeBytes, 0).ConfigureAwait(false);
                    long total = await DrainAsync(stream, buf).ConfigureAwait(false);
                    await stream.FinishAsync().ConfigureAwait(false);
                    return total;
                }

                case "screenshot":
                {
                    (_, LibvirtStream stream) = await connection!.ScreenshotAsync(domain!, 0).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        long total = await DrainAsync(stream, buf).ConfigureAwait(false);
                        await stream.FinishAsync().ConfigureAwait(false);
                        return total;
                    }
                }

                default:
                    throw new ArgumentException($"unknown mode {mode}");
            }
        }

        // Warm up to steady state: 20 calls and at least a second, so the JIT's tiering (which promotes methods only
        // after they ran a number of times) is done before measuring rather than billed to the first second of it.
        // The C client needs no warm-up; libvirtd and our server are warmed by earlier runs.
        // Tiering promotes in a burst that can start after the JIT has compiled nothing for a quarter second: with
        // opens over Unix (~1-3 ms each) the burst came right after a warm-up that waited only that long, and the JIT's
        // background thread then took half the client's CPU for the first three seconds of the measured window
        // (perf, per half second). So the warm-up goes on until a full second and 60 calls (twice tiering's call
        // count) pass without the JIT compiling anything (at most 15 s).
        if (mode is not ("download" or "screenshot"))
        {
            var warming = Stopwatch.StartNew();
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            TimeSpan lastCompile = TimeSpan.Zero;
            int lastCompileCall = 0;
            for (int i = 0;
                i < 20 || warming.Elapsed < TimeSpan.FromSeconds(1)
                    || ((i - lastCompileCall < 60 || warming.Elapsed - lastCompile < TimeSpan.FromSeconds(1)) && warming.Elapsed < TimeSpan.FromSeconds(15));
                i++)
            {
                await OneCallAsync(buffer).ConfigureAwait(false);
                long now = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (now != compiled)
                {
                    compiled = now;
                    lastCompile = warming.Elapsed;
                    lastCompileCall = i;
                }
            }
        }

        Console.Out.WriteLine("READY");
        Console.Out.Flush();
        if (await Console.In.ReadLineAsync().ConfigureAwait(false) is null)
        {
            return 1;
        }

        using var process = Process.GetCurrentProcess();
        TimeSpan user0 = process.UserProcessorTime, sys0 = process.PrivilegedProcessorTime;
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        long calls = 0, bytes = 0;

        // Sequential runs also record each call's latency (P7 reports the 99th percentile).
        var latencies = callers == 1 ? new List<long>(1 << 16) : null;
        var workers = new Task[callers];
        for (int w = 0; w < callers; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                byte[] own = new byte[262_144];
                long myCalls = 0, myBytes = 0;
                while (clock.Elapsed < deadline)
                {
                    long before = latencies is null ? 0 : Stopwatch.GetTimestamp();

                    // The call modes await the API right here, as cload calls it in its loop: going through
                    // OneCallAsync would add an async method (a task and a continuation per call) that only our side
                    // pays for.
                    switch (mode)
                    {
                        case "version":
                            await connection!.GetLibVersionAsync().ConfigureAwait(false);
                            break;
                        case "listall":
                            await connection!.ListAllDomainsAsync().ConfigureAwait(false);
                            break;
                        case "getinfo":
                            await domain!.GetInfoAsync().ConfigureAwait(false);
                            break;
                        default:
                            myBytes += await OneCallAsync(own).ConfigureAwait(false);
                            break;
                    }

                    latencies?.Add(Stopwatch.GetTimestamp() - before);
                    myCalls++;
                }

                Interlocked.Add(ref calls, myCalls);
                Interlocked.Add(ref bytes, myBytes);
            });
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        double elapsed = clock.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        process.Refresh();
        double user = (process.UserProcessorTime - user0).TotalSeconds, sys = (process.PrivilegedProcessorTime - sys0).TotalSeconds;
        double p99 = double.NaN;
        if (latencies is { Count: > 0 })
        {
            latencies.Sort();
            p99 = latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(latencies.Count * 0.99) - 1)] * 1e6 / Stopwatch.Frequency;
        }

        Console.Out.WriteLine(FormattableString.Invariant($"RESULT calls={calls} seconds={elapsed:F6} bytes={bytes} user={user:F6} sys={sys:F6} p99us={p99:F1} allocated={allocated}"));
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is not null)
        {
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<long> DrainAsync(LibvirtStream stream, byte[] buffer)
    {
        long total = 0;
        int got;
        while ((got = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += got;
        }

        return total;
    }
}
