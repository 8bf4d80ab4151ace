using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// libvirt's sanity checks of a DHCP range inside a network's &lt;ip&gt; (run as the network is parsed): both ends
/// given and parseable, the same family as the network, inside its subnet, not the IPv4 network or broadcast address,
/// at most 65536 addresses (only the last two bytes, or the last IPv6 word, may differ) and not reversed.
/// </summary>
internal static class DhcpRangeChecks
{
    /// <summary>Checks every range of <paramref name="ip"/> (whose address has already been checked).</summary>
    public static void Check(XElement ip, string network)
    {
        foreach (XElement range in ip.Element("dhcp")?.Elements("range") ?? [])
        {
            Parse(range, network, (string)ip.Attribute("address")!, (string?)ip.Attribute("prefix"), (string?)ip.Attribute("netmask"));
        }
    }

    /// <summary>
    /// Parses and checks one &lt;range&gt; of the ip element with <paramref name="address"/>, as both a network's
    /// definition and net-update do; gives its ends in canonical form.
    /// </summary>
    public static (string Start, string End) Parse(XElement range, string network, string address, string? prefix, string? netmask)
    {
        string start = (string?)range.Attribute("start") ?? throw Xml($"Missing 'start' attribute in dhcp range for network '{network}'");
        IPAddress first = ParseAddress(start);
        string end = (string?)range.Attribute("end") ?? throw Xml($"Missing 'end' attribute in dhcp range for network '{network}'");
        IPAddress last = ParseAddress(end);
        CheckRange(first, last, IPAddress.Parse(address), Prefix(address, prefix, netmask));
        return (first.ToString(), last.ToString());
    }

    /// <summary>A range end as libvirt writes it back: the address in its canonical text form.</summary>
    public static string Normalise(string? text) => text is not null && IPAddress.TryParse(text, out IPAddress? address) ? address.ToString() : text ?? string.Empty;

    private static void CheckRange(IPAddress first, IPAddress last, IPAddress network, int prefix)
    {
        string range = $"{first} - {last}";
        if (first.AddressFamily != last.AddressFamily)
        {
            throw Internal($"mismatch of address family in range {range}");
        }

        if (first.AddressFamily != network.AddressFamily)
        {
            throw Internal($"mismatch of address family in range {range} for network {network}");
        }

        bool v4 = first.AddressFamily == AddressFamily.InterNetwork;
        int bits = v4 ? 32 : 128;
        if (prefix < 0 || prefix > bits)
        {
            throw Internal($"bad prefix {prefix} for network {network} when  checking range {range}");
        }

        BigInteger mask = prefix == 0 ? BigInteger.Zero : ((BigInteger.One << prefix) - 1) << (bits - prefix);
        BigInteger start = Number(first);
        BigInteger end = Number(last);
        BigInteger net = Number(network);
        if ((start & mask) != (net & mask) || (end & mask) != (net & mask))
        {
            throw Internal($"range {range} is not entirely within network {network}/{prefix}");
        }

        if (v4)
        {
            BigInteger all = (BigInteger.One << 32) - 1;
            if (start == (net & mask))
            {
                throw Internal($"start of range {range} in network {network}/{prefix} is the network address");
            }

            if (end == ((net & mask) | (all & ~mask)))
            {
                throw Internal($"end of range {range} in network {network}/{prefix} is the broadcast address");
            }
        }

        int fixedBits = v4 ? 16 : 112;
        if (start >> (bits - fixedBits) != end >> (bits - fixedBits))
        {
            throw Internal($"range {range} is too large (> 65535)");
        }

        if (end < start)
        {
            // libvirt's wording differs between the families, including a trailing space for IPv4.
            throw Internal(v4 ? $"range {range} is reversed " : $"range {range} start larger than end");
        }
    }

    // A network's prefix as libvirt derives it: the prefix, else the netmask's bits, else the IPv4 class (or 64 for IPv6).
    private static int Prefix(string addressText, string? prefixText, string? netmaskText)
    {
        if (int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out int prefix) && prefix > 0)
        {
            return prefix;
        }

        if (IPAddress.TryParse(netmaskText, out IPAddress? netmask))
        {
            return (int)BigInteger.PopCount(Number(netmask));
        }

        IPAddress address = IPAddress.Parse(addressText);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.Equals(IPAddress.IPv6Any) ? 0 : 64;
        }

        byte octet = address.GetAddressBytes()[0];
        return address.Equals(IPAddress.Any) ? 0 : (octet & 0x80) == 0 ? 8 : (octet & 0xC0) == 0x80 ? 16 : (octet & 0xE0) == 0xC0 ? 24 : -1;
    }

    private static IPAddress ParseAddress(string text)
        => IPAddress.TryParse(text, out IPAddress? address) && text.Contains(address.AddressFamily == AddressFamily.InterNetwork ? '.' : ':')
            ? address
            : throw new LibvirtErrorException(ErrorCode.SystemError, ErrorDomain.None, $"Cannot parse socket address '{text}': Name or service not known");

    private static BigInteger Number(IPAddress address) => new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, "XML error: " + message);

    private static LibvirtErrorException Internal(string message) => new(ErrorCode.InternalError, ErrorDomain.None, "internal error: " + message);
}
