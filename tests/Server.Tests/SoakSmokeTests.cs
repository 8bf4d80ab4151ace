using LibvirtRemote.Soak;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>The soak runner on a small budget, and its heap verdict on made-up readings.</summary>
/// <remarks>Alone: it counts the whole process's descriptors, which other tests running meanwhile would move.</remarks>
[Collection(SoakCollection.Name)]
public sealed class SoakSmokeTests
{
    [Fact]
    public async Task SmallSoakLeavesNoDescriptorsBehind()
    {
        SoakResult result = await SoakRun.RunAsync(calls: 4000, cycles: 60, callers: 8).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(4000, result.Calls);
        Assert.Equal(5, result.HeapCheckpoints.Count);
        Assert.True(result.FdsAtEnd <= result.FdsBaseline, result.ToString());
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
