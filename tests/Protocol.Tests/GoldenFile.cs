using System.Globalization;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>
/// Reads the golden .hex format (Golden/README.md): <c>#</c> lines are comments, every other line is one
/// 4-byte word as 8 hex digits, optionally followed by <c># comment</c>; only the last data line may be
/// shorter (2, 4 or 6 digits, for a raw stream body that is not a multiple of 4 bytes).
/// </summary>
internal static class GoldenFile
{
    public static byte[] Load(string path) => Parse(File.ReadAllText(path), path);

    public static byte[] Parse(string text, string name = "<text>")
    {
        var bytes = new List<byte>();
        bool shortSeen = false;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int hash = line.IndexOf('#', StringComparison.Ordinal);
            string hex = (hash >= 0 ? line[..hash] : line).Trim();
            if (shortSeen)
            {
                throw new FormatException($"{name}:{i + 1}: data after a partial word");
            }

            if (hex.Length is not (2 or 4 or 6 or 8) || !hex.All(char.IsAsciiHexDigitLower))
            {
                throw new FormatException($"{name}:{i + 1}: '{hex}' is not 2, 4, 6 or 8 lowercase hex digits");
            }

            shortSeen = hex.Length < 8;
            for (int j = 0; j < hex.Length; j += 2)
            {
                bytes.Add(byte.Parse(hex.AsSpan(j, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return bytes.ToArray();
    }
}
