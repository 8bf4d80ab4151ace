using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// virsh quits the loop that watches a save, managed save or core dump when the call returns; an answer that beats
/// virsh's own main thread into that loop left virsh hanging (it did, under load, in CI). The test hypervisor
/// therefore gives those calls the minimum duration of a real job.
/// </summary>
public sealed class JobPacingTests
{
    [Fact]
    public async Task SaveManagedSaveAndCoreDumpTakeAtLeastAJobsMinimumEvenWhenTheyFail()
    {
        await using OurServer ours = await OurServer.StartAsync().Within();
        await using LibvirtConnection client = await LibvirtConnection.OpenAsync(ours.UnixUri).Within();
        Domain test = await client.LookupDomainByNameAsync("test").Within();
        (string image, string core) = ImagePaths();

        TimeSpan dump = await TimedAsync(() => client.Remote.DomainCoreDumpAsync(new DomainCoreDumpArgs { Dom = test.Wire, To = core }));
        TimeSpan save = await TimedAsync(() => client.Remote.DomainSaveAsync(new DomainSaveArgs { Dom = test.Wire, To = image }));
        TimeSpan failedSave = await TimedAsync(() => client.Remote.DomainSaveAsync(new DomainSaveArgs { Dom = test.Wire, To = image }), expectError: true);
        await client.Remote.DomainRestoreAsync(new DomainRestoreArgs { From = image }).AsTask().Within();
        TimeSpan managed = await TimedAsync(() => client.Remote.DomainManagedSaveAsync(new DomainManagedSaveArgs { Dom = test.Wire }));

        // A shorter time would bring back the race; the bound is a floor, so load cannot make it fail.
        foreach (TimeSpan took in new[] { dump, save, failedSave, managed })
        {
            Assert.True(took >= TimeSpan.FromMilliseconds(95), $"a job call returned after {took.TotalMilliseconds:F1} ms");
        }
    }

    [Fact]
    public async Task VirshRunsSaveDumpAndManagedSaveCyclesToTheEnd()
    {
        await using OurServer ours = await OurServer.StartAsync().Within();
        (string image, string core) = ImagePaths();
        string cycle = $"dump test {core}; save test {image}; restore {image}; managedsave test; start test; ";
        ExternalProcess.Result result = await ours.VirshAsync(string.Concat(Enumerable.Repeat(cycle, 8))).Within();
        result.EnsureSuccess("virsh");
        Assert.Equal(8, CountOf(result.Stdout, "Domain 'test' saved to "));
        Assert.Equal(8, CountOf(result.Stdout, "Domain 'test' state saved by libvirt"));
        Assert.Equal(8, CountOf(result.Stdout, "Domain 'test' dumped to "));
    }

    // The test hypervisor keeps images in memory and writes no files; the directory only has to exist.
    private static (string Image, string Core) ImagePaths()
    {
        string stem = Path.Combine(Path.GetTempPath(), $"lr-job-{Guid.NewGuid():N}");
        return (stem + ".img", stem + ".core");
    }

    private static async Task<TimeSpan> TimedAsync(Func<ValueTask> call, bool expectError = false)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            await call().AsTask().Within();
            Assert.False(expectError, "the call was expected to fail");
        }
        catch (LibvirtException) when (expectError)
        {
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
