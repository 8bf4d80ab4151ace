using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// The comparison runner (bench/Compare) builds and a smoke run produces every row of its table without errors.
/// Timings are never asserted: on a shared two-core machine they mean nothing.
/// </summary>
public sealed class BenchSmokeTests
{
    // Rows each scenario prints (P1: 3 procedures x 3 caller counts x {calls/s, CPU}, plus the rawload floor per
    // sequential procedure and libvirtd's CPU and the cross-CPU wake-ups per multi-caller one; P2: 3 x 2 x 2, plus five floor rows (rawload against libvirtd,
    // ours and rawserve) per sequential procedure and the C client's CPU per 64-caller one; ...).
    private static readonly Dictionary<string, int> ExpectedRows = new()
    {
        ["P1"] = 18 + 3 + 12,
        ["P2"] = 12 + 15 + 3,
        ["P3"] = 2,
        ["P4"] = 4,
        ["P5"] = 1,
        ["P6"] = 5,
        ["P7"] = 2,
        ["P8"] = 2,
    };

    [Fact]
    public async Task SmokeRunPrintsEveryRow()
    {
        string repo = FindRepository();
        string project = Path.Combine(repo, "bench", "Compare", "Compare.csproj");

        // A build next to other builds on two cores can take minutes.
        ExternalProcess.Result build = await ExternalProcess.RunAsync("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "q"], timeout: TimeSpan.FromMinutes(15));
        build.EnsureSuccess("dotnet build bench/Compare");

        string output = Path.Combine(Directory.CreateTempSubdirectory("lvr-bench-smoke-").FullName, "compare.md");
        try
        {
            string runner = Path.Combine(repo, "bench", "Compare", "bin", "Release", "net10.0", "Compare");
            ExternalProcess.Result run = await ExternalProcess.RunAsync(runner, ["--smoke", "--out", output], timeout: TimeSpan.FromMinutes(15));
            Assert.True(run.ExitCode == 0, $"runner exited with {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");

            string[] table = [.. File.ReadAllLines(output).Where(l => l.StartsWith("| P", StringComparison.Ordinal))];
            foreach ((string id, int count) in ExpectedRows)
            {
                Assert.True(table.Count(l => l.StartsWith($"| {id} |", StringComparison.Ordinal)) == count, $"{id}: expected {count} rows in\n{string.Join('\n', table)}");
            }

            Assert.DoesNotContain(table, l => l.Contains("ERROR", StringComparison.Ordinal));
            Assert.All(table, l => Assert.Equal(8, l.Count(c => c == '|')));
            string report = File.ReadAllText(output);
            Assert.Contains("Machine: ", report, StringComparison.Ordinal);
            Assert.Matches(@"What a wake-up costs .*: ([0-9.]+ µs to wake a thread on another, idle CPU|not measurable)", report);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    private static string FindRepository()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "LibvirtRemote.slnx")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("LibvirtRemote.slnx not found above " + AppContext.BaseDirectory);
    }
}
