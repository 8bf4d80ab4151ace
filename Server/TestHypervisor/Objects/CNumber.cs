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
}
