using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
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

    // The runner itself, in its own process (fixed thread pool, pools released on collection: see tests/Soak), so the
    // heap is the soak's alone. Without a leak it holds < 5 % end to end; with a leak of a few dozen bytes per call,
    // or per connection, it fails on both the end-to-end figure and the trend.
    [Fact]
    public async Task SoakProcessWithoutALeakPassesEndToEnd()
    {
        (int exit, string text, double growth, _) = await RunSoakProcessAsync("--calls", "10000", "--cycles", "300");
        Assert.True(exit == 0, text);
        Assert.True(Math.Abs(growth) < 5, text);
    }

    [Theory]
    [InlineData("10000", "100", "--leak-per-call", "16")] // a 16-byte array (40 bytes with its header) per call: ~350 KiB
    [InlineData("1000", "1000", "--leak-per-cycle", "64")] // a 64-byte array (88 bytes) per connect/disconnect: ~77 KiB
    public async Task SoakProcessThatKeepsAFewDozenBytesPerCallOrConnectionFails(string calls, string cycles, string leak, string bytes)
    {
        (int exit, string text, double growth, double trend) = await RunSoakProcessAsync("--calls", calls, "--cycles", cycles, leak, bytes);
        Assert.True(exit == 1, text);
        Assert.True(growth >= 5 && trend >= 5, text);
        Assert.Contains("FAIL", text, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Text, double Growth, double Trend)> RunSoakProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LibvirtRemote.Soak.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string text = await stdout.WaitAsync(TimeSpan.FromSeconds(30)) + await stderr.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(text);
        Match figures = Regex.Match(text, @"\((-?[0-9.]+) % end to end, (-?[0-9.]+) % by trend");
        Assert.True(figures.Success, text);
        return (process.ExitCode, text, double.Parse(figures.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(figures.Groups[2].Value, CultureInfo.InvariantCulture));
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
