namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>UUIDs in libvirt's byte order (the RFC 4122 string order, which is not <see cref="Guid"/>'s memory layout).</summary>
internal static class TestUuid
{
    /// <summary>The 16 raw bytes as the wire carries them.</summary>
    public static byte[] ToBytes(Guid uuid) => uuid.ToByteArray(bigEndian: true);

    /// <summary>The UUID of 16 raw wire bytes.</summary>
    public static Guid FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length == 16 ? new Guid(bytes, bigEndian: true) : Guid.Empty;

    /// <summary>The lower-case dashed form libvirt prints.</summary>
    public static string Format(Guid uuid) => uuid.ToString("D");

    /// <summary>Parses libvirt's accepted forms: 32 hex digits, optionally split by dashes or spaces.</summary>
    public static bool TryParse(string text, out Guid uuid)
    {
        Span<char> hex = stackalloc char[32];
        int n = 0;
        foreach (char c in text)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c) || n == 32)
            {
                uuid = Guid.Empty;
                return false;
            }

            hex[n++] = c;
        }

        if (n != 32)
        {
            uuid = Guid.Empty;
            return false;
        }

        return Guid.TryParseExact(hex, "N", out uuid);
    }
}
