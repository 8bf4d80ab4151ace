using System.Globalization;
using LibvirtRemote.Fuzz;
using LibvirtRemote.Fuzz.Targets;

// Usage (see README.md):
//   fuzz [--target NAME|all] [--inputs N] [--seed S] [--minutes M] [--failures DIR] [--time-bound-ms MS]
//   fuzz --replay FILE_OR_DIR... [--target NAME]   (target taken from the file name when not given)
string target = "all";
long inputs = 100_000;
int seed = 1;
double? minutes = null;
string failures = Path.Combine(Directory.GetCurrentDirectory(), "fuzz-failures");
int timeBoundMs = 2000;
var replay = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--target": target = Next(); break;
        case "--inputs": inputs = long.Parse(Next().Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--minutes": minutes = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--failures": failures = Next(); break;
        case "--time-bound-ms": timeBoundMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--replay":
            while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                replay.Add(args[++i]);
            }

            break;
        default:
            Console.Error.WriteLine($"Unknown argument {args[i]}");
            return 2;
    }
}

FuzzEngine.ExitOnHang = true;
var options = new FuzzOptions
{
    Seed = seed,
    Inputs = inputs,
    Duration = minutes is { } m ? TimeSpan.FromMinutes(m) : null,
    FailureDirectory = failures,
    TimeBound = TimeSpan.FromMilliseconds(timeBoundMs),
    Log = line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}"),
};
var engine = new FuzzEngine(options, SeedCorpus.Load());
var reports = new List<FuzzReport>();
if (replay.Count > 0)
{
    var files = replay.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*.bin").Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
    foreach (IGrouping<string, string> group in files.GroupBy(f => target != "all" ? target : Path.GetFileName(f).Split('-')[0]))
    {
        IFuzzTarget t = FuzzTargets.Create(group.Key);
        var report = engine.Replay(t, group.Select(File.ReadAllBytes));
        reports.Add(report);
        foreach (FuzzFailure failure in report.Failures)
        {
            Console.WriteLine($"{failure.Kind}: {failure.Detail}");
        }

        (t as IDisposable)?.Dispose();
    }
}
else
{
    foreach (string name in target == "all" ? FuzzTargets.Names : target.Split(','))
    {
        IFuzzTarget t = FuzzTargets.Create(name);
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {name}: seed {seed}, up to {inputs:N0} inputs");
        reports.Add(engine.Run(t));
        (t as IDisposable)?.Dispose();
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {reports[^1]}");
    }
}

Console.WriteLine();
foreach (FuzzReport report in reports)
{
    Console.WriteLine(report);
}

long total = reports.Sum(r => r.Inputs);
int failed = reports.Sum(r => r.Failures.Count);
Console.WriteLine($"TOTAL {total:N0} inputs, {failed} failures{(failed > 0 ? " (inputs in " + failures + ")" : string.Empty)}");
return failed == 0 ? 0 : 1;
