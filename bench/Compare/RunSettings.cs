using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>Command-line settings of a comparison run.</summary>
internal sealed record RunSettings(bool Smoke, double Seconds, int Repetitions, long VolumeBytes, string? Output, IReadOnlySet<string>? Only = null)
{
    public static RunSettings Parse(string[] args)
    {
        bool smoke = args.Contains("--smoke");
        double seconds = smoke ? 0.3 : 2.0;
        int reps = smoke ? 1 : 3;
        long volumeMib = smoke ? 16 : 1024;
        string? output = null;
        HashSet<string>? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--smoke":
                    break;
                case "--seconds":
                    seconds = double.Parse(Next()!, CultureInfo.InvariantCulture);
                    break;
                case "--reps":
                    reps = int.Parse(Next()!, CultureInfo.InvariantCulture);
                    break;
                case "--volume-mib":
                    volumeMib = long.Parse(Next()!, CultureInfo.InvariantCulture);
                    break;
                case "--out":
                    output = Next();
                    break;
                case "--only":
                    only = [.. Next()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]} (options: --smoke --seconds S --reps N --volume-mib M --out FILE --only P1,P6)");
            }
        }

        return new RunSettings(smoke, seconds, reps, volumeMib * 1024 * 1024, output, only);
    }
}
