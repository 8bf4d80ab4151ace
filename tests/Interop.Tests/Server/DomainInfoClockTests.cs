using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The test driver's domain CPU time is the wall clock in nanoseconds, read from a microsecond clock (gettimeofday):
/// a whole number of microseconds, and not of milliseconds.
/// </summary>
public sealed class DomainInfoClockTests
{
    [Fact]
    public async Task CpuTimeIsTheWallClockToTheMicrosecond()
    {
        await using OurServer server = await OurServer.StartAsync().Within();
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(server.UnixUri).Within();
        Domain domain = await connection.LookupDomainByNameAsync("test").Within();

        var times = new List<ulong>();
        for (int i = 0; i < 8; i++)
        {
            ulong before = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1) * 1_000_000;
            ulong cpuTime = (await domain.GetInfoAsync().Within()).CpuTime;
            ulong after = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1) * 1_000_000;
            Assert.InRange(cpuTime, before, after);
            Assert.Equal(0UL, cpuTime % 1_000);
            times.Add(cpuTime);
            await Task.Delay(1);
        }

        // Eight readings that all fall on whole milliseconds would mean a millisecond clock (odds of chance: 1e-24).
        Assert.Contains(times, t => t % 1_000_000 != 0);
    }
}
