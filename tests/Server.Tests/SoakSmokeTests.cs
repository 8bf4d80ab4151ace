using LibvirtRemote.Soak;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Server.Tests;

/// <summary>The soak runner on a small budget, and its heap verdict on made-up readings.</summary>
/// <remarks>Alone: it counts the whole process's descriptors, which other tests running meanwhile would move.</remarks>
[Collection(SoakCollection.Name)]
public sealed class SoakSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SmallSoakLeavesNoDescriptorsBehind()
    {
        SoakResult result = await SoakRun.RunAsync(calls: 4000, cycles: 60, callers: 8).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(result.ToString());
        Assert.Equal(4000, result.Calls);
        Assert.Equal(5, result.HeapCheckpoints.Count);
        Assert.True(result.FdsAtEnd <= result.FdsBaseline, result.ToString());
    }

    [Fact]
    public async Task SmallSoakThatKeepsAFewDozenBytesPerCallFails()
    {
        // 40 bytes kept per call (a 16-byte array; the list's slots are made up front, before any reading): ~350 KiB
        // over the measured calls, against a test host's heap of ~2 MiB.
        const int Calls = 10_000;
        var kept = new List<byte[]>(Calls);
        var hooks = new SoakHooks
        {
            AfterCall = () =>
            {
                lock (kept)
                {
                    kept.Add(new byte[16]);
                }
            },
        };
        SoakResult result = await SoakRun.RunAsync(calls: Calls, cycles: 60, callers: 8, hooks: hooks).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(result.ToString());
        Assert.Equal(Calls, kept.Count);
        Assert.True(result.HeapGrowth >= 0.05, result.ToString());
        Assert.True(result.HeapTrend >= 0.05, result.ToString());
        Assert.False(result.HeapBounded, result.ToString());
        Assert.False(result.Passed, result.ToString());
    }

    [Fact]
    public async Task SmallSoakThatKeepsAnObjectPerConnectionFails()
    {
        // ~400 bytes kept per connect/disconnect cycle, as a connection's state left in a list would: ~350 KiB over the
        // measured cycles, against a test host's heap of ~2 MiB.
        const int Cycles = 1000;
        var kept = new List<byte[]>(Cycles);
        var hooks = new SoakHooks { AfterCycle = () => kept.Add(new byte[376]) };
        SoakResult result = await SoakRun.RunAsync(calls: 400, cycles: Cycles, callers: 4, hooks: hooks).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(result.ToString());
        Assert.Equal(Cycles, kept.Count);
        Assert.False(result.HeapBounded, result.ToString());
        Assert.False(result.Passed, result.ToString());
    }

    [Fact]
    public void HeapThatStepsOnceThenStaysFlatIsBounded()
    {
        var result = new SoakResult(1000, 10, 600_000, [660_000, 662_000, 658_000, 661_000, 660_000], 20, 20, TimeSpan.FromSeconds(1));
        Assert.True(result.HeapGrowth >= 0.05);
        Assert.True(result.HeapBounded, result.ToString());
        Assert.True(result.Passed);
    }

    [Fact]
    public void HeapThatGrowsEveryRoundFails()
    {
        // 8 KiB more after every round: small next to the step above, but it never stops.
        var result = new SoakResult(1000, 10, 600_000, [608_000, 616_000, 624_000, 632_000, 640_000], 20, 20, TimeSpan.FromSeconds(1));
        Assert.False(result.HeapBounded, result.ToString());
        Assert.False(result.Passed);
    }

    [Fact]
    public void DescriptorLeftOpenFails()
    {
        var result = new SoakResult(1000, 10, 600_000, [600_000, 600_000, 600_000, 600_000, 600_000], 20, 21, TimeSpan.FromSeconds(1));
        Assert.False(result.Passed);
    }
}

/// <summary>The soak smoke test runs with no other test alongside.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "soak";
}
