using LibvirtRemote.Soak;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>The soak runner on a small budget: it completes and every descriptor it opened is closed again.</summary>
public sealed class SoakSmokeTests
{
    [Fact]
    public async Task SmallSoakLeavesNoDescriptorsBehind()
    {
        SoakResult result = await SoakRun.RunAsync(calls: 4000, cycles: 60, callers: 8).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(4000, result.Calls);
        Assert.True(result.FdsAtEnd <= result.FdsBaseline, result.ToString());
    }
}
