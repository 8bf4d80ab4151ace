using System.Globalization;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>Numbers as libvirt reads them with strtoul in base 0, where XML attributes allow that.</summary>
internal static class CNumber
{
    /// <summary>
    /// Digits alone, already trimmed: "0x" then hex, a leading 0 then octal, otherwise decimal; nothing may follow
    /// and the value must fit 32 bits.
    /// </summary>
    public static bool TryParseUInt32(ReadOnlySpan<char> s, out uint value)
    {
        if (s.Length > 2 && s[0] == '0' && s[1] is 'x' or 'X')
        {
            return uint.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (s.Length > 1 && s[0] == '0')
        {
            value = 0;
            foreach (char c in s[1..])
            {
                if (c is < '0' or > '7' || value > (uint.MaxValue >> 3))
                {
                    return false;
                }

                value = (value << 3) | (uint)(c - '0');
            }

            return true;
        }

        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// What strtoul and strtoull in base 10 accept where libvirt refuses negative numbers: leading white space, an
    /// optional '+', then decimal digits and nothing else.
    /// </summary>
    public static bool TryParseDecimal(string? text, out ulong value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().TrimStart(" \t\n\v\f\r");
        if (s.StartsWith("+", StringComparison.Ordinal))
        {
            s = s[1..];
        }

        return s.Length > 0 && char.IsAsciiDigit(s[0]) && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// <see cref="TryParseUInt32"/> after strtoul's leading white space and sign; as in libvirt's unsigned reader, a
    /// negative number wraps around (so "-1" is the largest value).
    /// </summary>
    public static bool TryParseUInt32Base0(string text, out uint value)
    {
        ReadOnlySpan<char> s = text.AsSpan().TrimStart(" \t\n\v\f\r");
        bool negative = s.StartsWith("-", StringComparison.Ordinal);
        if (negative || s.StartsWith("+", StringComparison.Ordinal))
        {
            s = s[1..];
        }

        if (!TryParseUInt32(s, out value))
        {
            return false;
        }

        value = negative ? unchecked(0u - value) : value;
        return true;
    }
}
