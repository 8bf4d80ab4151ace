using System.Globalization;
using LibvirtRemote.Soak;

// Soak runner: `dotnet run -c Release --project tests/Soak -- [--calls N] [--cycles N] [--callers N]`.
// Defaults are the full budget: 1,000,000 calls and 10,000 connect/disconnect cycles.
long calls = 1_000_000;
int cycles = 10_000;
int callers = 16;
int leakPerCall = 0, leakPerCycle = 0;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--calls":
            calls = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--cycles":
            cycles = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--callers":
            callers = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--leak-per-call":
            // Test-only: keep an array of this many bytes after every call, to show that the verdict catches it.
            leakPerCall = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--leak-per-cycle":
            // Test-only: the same after every connect/disconnect cycle.
            leakPerCycle = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine("usage: Soak [--calls N] [--cycles N] [--callers N]");
            return 64;
    }
}

// A fixed number of pool threads, all started during warm-up and kept (Soak.csproj), so that the heap readings do not
// move with the pool's thread count (see SoakRun.OccupyEveryPoolThreadAsync).
int poolThreads = Math.Max(callers, 2 * Environment.ProcessorCount);
ThreadPool.GetMinThreads(out _, out int minIo);
ThreadPool.GetMaxThreads(out _, out int maxIo);
if (!ThreadPool.SetMinThreads(poolThreads, minIo) || !ThreadPool.SetMaxThreads(poolThreads, maxIo))
{
    Console.Error.WriteLine($"soak: could not fix the thread pool at {poolThreads} threads");
}

// Touch the console first: its first use opens the runtime's signal-handling pipes, which would otherwise show up
// as descriptors "opened since warm-up".
Console.WriteLine($"soak: {calls} calls from {callers} callers, {cycles} connect cycles (10 % warm-up)");
var kept = new List<byte[]>();
SoakHooks? hooks = leakPerCall == 0 && leakPerCycle == 0 ? null : new SoakHooks
{
    AfterCall = leakPerCall == 0 ? null : () => Keep(leakPerCall),
    AfterCycle = leakPerCycle == 0 ? null : () => Keep(leakPerCycle),
};
SoakResult result = await SoakRun.RunAsync(calls, cycles, callers, Console.WriteLine, hooks);
Console.WriteLine(result);

// The full run holds itself to the end-to-end figure too: its readings no longer need the trend's allowance.
if (result.Passed && !result.HeapBoundedEndToEnd)
{
    Console.WriteLine("FAIL: heap grew 5 % or more end to end");
}

return result.Passed && result.HeapBoundedEndToEnd ? 0 : 1;

void Keep(int bytes)
{
    lock (kept)
    {
        kept.Add(new byte[bytes]);
    }
}
