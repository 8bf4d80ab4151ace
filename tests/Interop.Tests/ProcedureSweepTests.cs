using LibvirtRemote.Interop.Tests.Server;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// Every remote procedure our client can call without a stream partner, called once against libvirtd 9.0.0's test
/// driver and once against our server (<see cref="ProcedureSweep"/>): each call must end with a decoded reply or a
/// libvirt error and leave the connection usable, and our server must end each call the way libvirtd does.
/// </summary>
public sealed class ProcedureSweepTests(ITestOutputHelper output)
{
    /// <summary>The highest procedure number libvirtd 9.0.0 knows; later ones are compared only on our side.</summary>
    private const int LibvirtdLastProcedure = 443;

    /// <summary>Differences left in place, and why.</summary>
    private static readonly Dictionary<string, string> KnownDifferences = new(StringComparer.Ordinal)
    {
        ["NodeDeviceGetAutostart"] = "9.0.0 refuses it on read-only connections; our read-only rules follow 11.3.0, which allows it (remote_protocol.x)",
    };

    /// <summary>
    /// Calls where libvirtd's error text is not reproducible: AUTH_POLKIT on a listener without polkit fails without
    /// setting an error, so libvirtd sends whatever error its worker thread raised last (often "Domain not found" from
    /// an earlier call, sometimes the generic "did not set virError"). Only the failure is compared.
    /// </summary>
    private static readonly HashSet<string> ErrorOnly = new(StringComparer.Ordinal) { "AuthPolkit" };

    [Fact]
    public async Task EveryProcedureEndsWithAReplyOrALibvirtErrorOnBothServers()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        await SweepBothAsync(pair, pair.LibvirtdUri, pair.OursUri, readOnly: false);
    }

    [Fact]
    public async Task EveryProcedureEndsTheSameWayOnReadOnlyConnections()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        await SweepBothAsync(pair, $"test+unix:///default?socket={pair.Libvirtd.ReadOnlySocketPath}", pair.Ours.ReadOnlyUri, readOnly: true);
    }

    private async Task SweepBothAsync(TestDriverPair pair, string libvirtdUri, string oursUri, bool readOnly)
    {
        string libvirtdScratch = System.IO.Directory.CreateDirectory(Path.Combine(pair.Directory, "libvirtd")).FullName;
        string oursScratch = System.IO.Directory.CreateDirectory(Path.Combine(pair.Directory, "ours")).FullName;

        string? dump = Environment.GetEnvironmentVariable("LR_SWEEP_DUMP");
        if (dump is not null && readOnly)
        {
            dump += "-ro";
        }

        List<string>? expectedReplies = dump is null ? null : [];
        List<string>? actualReplies = dump is null ? null : [];
        IReadOnlyList<ProcedureSweep.Outcome> expected = await ProcedureSweep.RunAsync(libvirtdUri, libvirtdScratch, expectedReplies, readOnly).WaitAsync(TimeSpan.FromMinutes(5));
        IReadOnlyList<ProcedureSweep.Outcome> actual = await ProcedureSweep.RunAsync(oursUri, oursScratch, actualReplies, readOnly).WaitAsync(TimeSpan.FromMinutes(5));

        var differences = new List<string>();
        for (int i = 0; i < expected.Count; i++)
        {
            string procedure = expected[i].Procedure.Split('/')[0];
            bool same = ErrorOnly.Contains(procedure)
                ? expected[i].Result.StartsWith("error ", StringComparison.Ordinal) && actual[i].Result.StartsWith("error ", StringComparison.Ordinal)
                : expected[i] == actual[i];
            if (!same && Number(expected[i]) <= LibvirtdLastProcedure && !KnownDifferences.ContainsKey(procedure))
            {
                differences.Add($"{expected[i].Procedure}\n  libvirtd: {expected[i].Result}\n  ours:     {actual[i].Result}");
            }
        }

        foreach (string line in differences)
        {
            output.WriteLine(line);
        }

        if (dump is not null)
        {
            // For reading by hand: LR_SWEEP_DUMP=/tmp/sweep writes outcomes and the replies' contents of both runs.
            File.WriteAllLines(dump + ".libvirtd", expected.Select(o => o.ToString()));
            File.WriteAllLines(dump + ".ours", actual.Select(o => o.ToString()));
            File.WriteAllLines(dump + ".libvirtd.replies", expectedReplies!);
            File.WriteAllLines(dump + ".ours.replies", actualReplies!);
        }

        Assert.True(expected.Count > 380, $"only {expected.Count} procedures called");
        Assert.DoesNotContain(expected, o => o.IsBroken);
        Assert.DoesNotContain(actual, o => o.IsBroken);
        Assert.Empty(differences);

        // Procedures newer than libvirtd 9.0.0 get "unknown procedure" there; on our side they still end in a libvirt error or a reply.
        Assert.All(expected.Where(o => Number(o) > LibvirtdLastProcedure), o => Assert.StartsWith("error 39 7: unknown procedure", o.Result, StringComparison.Ordinal));
    }

    /// <summary>The remote procedure's number; 0 for the qemu and lxc programs, whose procedures 9.0.0 all knows.</summary>
    private static int Number(ProcedureSweep.Outcome outcome)
        => Enum.TryParse(outcome.Procedure.Split('/')[0], out Procedure number) ? (int)number : 0;
}
