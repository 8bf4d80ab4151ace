using System.Globalization;

namespace LibvirtRemote.Fuzz;

/// <summary>
/// The golden frames captured from real libvirt traffic (tests/Protocol.Tests/Golden, format described in
/// its README.md): one frame per .hex file, grouped by the session directory they were captured in.
/// </summary>
public sealed class SeedCorpus
{
    private SeedCorpus(string root, IReadOnlyList<GoldenSeed> frames)
    {
        Root = root;
        Frames = frames;
    }

    /// <summary>The repository root.</summary>
    public string Root { get; }

    /// <summary>Every golden frame, sorted by path (deterministic order).</summary>
    public IReadOnlyList<GoldenSeed> Frames { get; }

    /// <summary>Loads the corpus from the repository that contains <paramref name="start"/> (default: the running binary).</summary>
    public static SeedCorpus Load(string? start = null)
    {
        string root = FindRoot(start ?? AppContext.BaseDirectory);
        string golden = Path.Combine(root, "tests", "Protocol.Tests", "Golden");
        var frames = Directory.EnumerateFiles(golden, "*.hex", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(golden, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(rel => new GoldenSeed(rel, ParseHex(File.ReadAllText(Path.Combine(golden, rel)))))
            .ToList();
        return new SeedCorpus(root, frames);
    }

    /// <summary>Client-to-server frames of each capture session, concatenated in order (what one client sent).</summary>
    public IReadOnlyList<byte[]> ClientSessions()
        => Frames.Where(f => f.FromClient && !f.Path.StartsWith("raw-probes/", StringComparison.Ordinal))
            .GroupBy(f => f.Session)
            .Select(g => g.SelectMany(f => f.Bytes).ToArray())
            .ToList();

    /// <summary>Parses the golden .hex text: one 4-byte word per line as hex digits, '#' starts a comment.</summary>
    public static byte[] ParseHex(string text)
    {
        var bytes = new List<byte>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw;
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            for (int j = 0; j + 1 < line.Length; j += 2)
            {
                bytes.Add(byte.Parse(line.AsSpan(j, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return [.. bytes];
    }

    private static string FindRoot(string start)
    {
        for (string? dir = Path.GetFullPath(start); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "remote_protocol.x")))
            {
                return dir;
            }
        }

        throw new DirectoryNotFoundException($"No repository root (remote_protocol.x) above {start}");
    }
}

/// <summary>One golden frame.</summary>
/// <param name="Path">Path below Golden/, '/'-separated.</param>
/// <param name="Bytes">The frame, length word included.</param>
public sealed record GoldenSeed(string Path, byte[] Bytes)
{
    /// <summary>The capture session (directory).</summary>
    public string Session => System.IO.Path.GetDirectoryName(Path) ?? string.Empty;

    /// <summary>Whether the client sent it.</summary>
    public bool FromClient => System.IO.Path.GetFileName(Path).Contains("-c2s-", StringComparison.Ordinal);
}
