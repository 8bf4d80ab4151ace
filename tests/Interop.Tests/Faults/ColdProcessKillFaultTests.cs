using System.Globalization;
using System.Text.RegularExpressions;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// The kill-with-64-pending fault in fresh processes (tests/FaultProbe): a client that has never failed before pays for
/// the failure path's first run (JIT, first exceptions), which the in-process test, warmed by everything before it, never
/// sees. Prints each run's figures; the bound is lenient for a loaded CI machine.
/// </summary>
public sealed partial class ColdProcessKillFaultTests(ITestOutputHelper output)
{
    private const int Runs = 3;

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task FreshClientFailsAllPendingCallsWhenTheDaemonIsKilled(string transport)
    {
        for (int run = 0; run < Runs; run++)
        {
            await using PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync();
            string uri = transport == "unix"
                ? $"test+unix:///default?socket={daemon.SocketPath}"
                : $"test+tcp://127.0.0.1:{daemon.TcpPort}/default";
            string result = await ProbeAsync(uri, daemon.Pid);
            output.WriteLine($"{transport} run {run + 1}: {result}");

            Match m = ResultLine().Match(result);
            Assert.True(m.Success, result);
            double last = double.Parse(m.Groups["last"].Value, CultureInfo.InvariantCulture);
            Assert.True(last < 2000, $"the last pending call failed {last:F0} ms after the kill");
        }
    }

    private static async Task<string> ProbeAsync(string uri, int pid)
    {
        string probe = Path.Combine(AppContext.BaseDirectory, "LibvirtRemote.FaultProbe.dll");
        ExternalProcess.Result result = await ExternalProcess.RunAsync("dotnet", [probe, uri, pid.ToString(CultureInfo.InvariantCulture)]);
        result.EnsureSuccess("FaultProbe");
        return (result.Stdout + result.Stderr).Trim();
    }

    [GeneratedRegex(@"RESULT gone=(?<gone>[\d.]+) first=(?<first>[\d.]+) last=(?<last>[\d.]+) lost=64")]
    private static partial Regex ResultLine();
}
