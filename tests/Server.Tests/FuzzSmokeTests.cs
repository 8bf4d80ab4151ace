using LibvirtRemote.Fuzz;
using LibvirtRemote.Fuzz.Targets;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>
/// A short fuzz budget for every target (tests/Fuzz; the full run is a documented command), plus checks that the
/// engine really reports what it must: unexpected exceptions, allocation beyond the bound, and replays.
/// </summary>
public sealed class FuzzSmokeTests
{
    private static readonly Lazy<SeedCorpus> Corpus = new(() => SeedCorpus.Load());

    [Theory]
    [InlineData("frame", 3000)]
    [InlineData("decode", 5000)]
    [InlineData("sasl", 2000)]
    [InlineData("sasl-server", 1000)]
    [InlineData("sasldb", 2000)]
    [InlineData("uri", 2000)]
    [InlineData("conf", 2000)]
    [InlineData("server", 400)]
    public async Task ShortBudgetFindsNoFailures(string target, int inputs)
    {
        FuzzReport report = await Task.Run(() =>
        {
            IFuzzTarget t = FuzzTargets.Create(target);
            try
            {
                return new FuzzEngine(Options(inputs), Corpus.Value).Run(t);
            }
            finally
            {
                (t as IDisposable)?.Dispose();
            }
        }).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(report.Inputs >= Math.Min(inputs, 100), report.ToString());
        Assert.True(report.Failures.Count == 0, $"{report}\n{string.Join("\n", report.Failures.Select(f => $"{f.Kind}: {f.Detail}"))}");
    }

    [Fact]
    public async Task SameSeedGivesSameRun()
    {
        FuzzReport a = await Task.Run(() => new FuzzEngine(Options(3000), Corpus.Value).Run(new UriTarget())).WaitAsync(TimeSpan.FromMinutes(1));
        FuzzReport b = await Task.Run(() => new FuzzEngine(Options(3000), Corpus.Value).Run(new UriTarget())).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal((a.Accepted, a.Rejected), (b.Accepted, b.Rejected));
    }

    [Fact]
    public async Task UnexpectedExceptionsAndAllocationsAreRecordedAndReplayable()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fuzz-smoke-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = Options(2000) with { FailureDirectory = dir, MaxFailures = 3 };
            FuzzReport report = await Task.Run(() => new FuzzEngine(options, Corpus.Value).Run(new BrokenTarget())).WaitAsync(TimeSpan.FromMinutes(1));

            Assert.Contains(report.Failures, f => f.Kind == "crash" && f.Detail.Contains("IndexOutOfRange", StringComparison.Ordinal));
            Assert.Contains(report.Failures, f => f.Kind == "alloc");
            string saved = report.Failures.First(f => f.Kind == "crash").File!;
            Assert.True(File.Exists(Path.ChangeExtension(saved, ".txt")));

            FuzzReport replay = new FuzzEngine(options with { FailureDirectory = null }, Corpus.Value).Replay(new BrokenTarget(), [File.ReadAllBytes(saved)]);
            Assert.Equal("crash", Assert.Single(replay.Failures).Kind);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static FuzzOptions Options(long inputs) => new() { Seed = 42, Inputs = inputs, Duration = TimeSpan.FromSeconds(20), TimeBound = TimeSpan.FromSeconds(5) };

    /// <summary>Fails on inputs ending in 0x00 with an undocumented exception and allocates a lot for inputs ending in 0xff.</summary>
    private sealed class BrokenTarget : IFuzzTarget
    {
        public string Name => "broken";

        public bool MeasuresAllocation => true;

        public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus) => [[1, 2, 3, 0], [1, 2, 3, 0xff], [7, 7, 7, 7]];

        public bool IsExpected(Exception exception) => exception is FormatException;

        public void Run(byte[] input)
        {
            if (input[^1] == 0)
            {
                // A decoder bug: indexing past what was checked.
                _ = input[input.Length];
            }

            if (input[^1] == 0xff)
            {
                GC.KeepAlive(new byte[1 << 20]);
            }

            if (input[0] == 7)
            {
                throw new FormatException("documented rejection");
            }
        }
    }
}
