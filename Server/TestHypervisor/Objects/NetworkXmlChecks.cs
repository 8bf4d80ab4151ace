using System.Globalization;
using System.Net;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// Smaller checks libvirt's network parser makes on elements the test hypervisor otherwise keeps as written: the
/// bridge MAC address, the mtu, routes and the forward driver.
/// </summary>
internal static class NetworkXmlChecks
{
    /// <summary>The network element's ipv6 attribute, when given, is exactly yes or no.</summary>
    public static void CheckIpv6(XElement root, string network)
    {
        string? ipv6 = (string?)root.Attribute("ipv6");
        if (ipv6 is not (null or "" or "yes" or "no"))
        {
            throw Xml($"Invalid ipv6 setting '{ipv6}' in network '{network}'");
        }
    }

    /// <summary>The bridge's STP delay (a base-10 number) and macTableManager (kernel or libvirt), checked in that order.</summary>
    public static long BridgeDelay(XElement? bridge, string network)
    {
        ulong delay = 0;
        // An empty attribute reads as an absent one here.
        if ((string?)bridge?.Attribute("delay") is { Length: > 0 } text && !CNumber.TryParseDecimal(text, out delay))
        {
            throw Xml($"Invalid delay value in network '{network}'");
        }

        if ((string?)bridge?.Attribute("macTableManager") is { Length: > 0 } manager && manager is not ("kernel" or "libvirt"))
        {
            throw Xml($"Invalid macTableManager setting '{manager}' in network '{network}'");
        }

        return (long)Math.Min(delay, long.MaxValue);
    }

    /// <summary>The mtu size, when given, must be a number.</summary>
    public static void CheckMtu(XElement root, string network)
    {
        string? size = (string?)root.Element("mtu")?.Attribute("size");
        if (!string.IsNullOrEmpty(size) && !uint.TryParse(size.TrimStart(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw Xml($"Invalid mtu size '{size}' in network '{network}'");
        }
    }

    /// <summary>The bridge MAC address in libvirt's form (lower-case, two digits a byte), refused when malformed or multicast.</summary>
    public static string? CanonicalMac(string? text, string network)
    {
        if (text is null)
        {
            return null;
        }

        if (!TryParseMac(text, out byte[] bytes))
        {
            throw Xml($"Invalid bridge mac address '{text}' in network '{network}'");
        }

        if ((bytes[0] & 1) != 0)
        {
            throw Xml($"Invalid multicast bridge mac address '{text}' in network '{network}'");
        }

        return string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// A MAC address as libvirt reads one: six colon-separated hex numbers of one or two digits, anything from a
    /// control character or space on after the last.
    /// </summary>
    public static bool TryParseMac(string text, out byte[] bytes)
    {
        bytes = new byte[6];
        int at = 0;
        for (int i = 0; i < 6; i++)
        {
            int start = at;
            while (at < text.Length && char.IsAsciiHexDigit(text[at]))
            {
                at++;
            }

            // strtoul takes every hex digit in a row, and libvirt wants one or two of them.
            if (at == start || at - start > 2 || !uint.TryParse(text.AsSpan(start, at - start), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value) || value > 0xff)
            {
                return false;
            }

            bytes[i] = (byte)value;
            if (i == 5)
            {
                return at == text.Length || text[at] <= ' ';
            }

            if (at == text.Length || text[at] != ':')
            {
                return false;
            }

            at++;
        }

        return false;
    }

    /// <summary>The forward element's driver name: kvm or vfio ("default" is refused like an unknown name).</summary>
    public static string? ForwardDriver(XElement? forward, string network)
    {
        string? name = (string?)forward?.Element("driver")?.Attribute("name");
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (name is not ("kvm" or "vfio"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Network, $"unsupported configuration: Unknown forward <driver name='{name}'/> in network {network}");
        }

        return name;
    }

    /// <summary>The first checks libvirt makes of each static route: both addresses present and numeric.</summary>
    public static void CheckRoutes(XElement root, string network)
    {
        foreach (XElement route in root.Elements("route"))
        {
            string address = (string?)route.Attribute("address") ?? throw Xml($"{network}: Missing required address attribute in route definition");
            string gateway = (string?)route.Attribute("gateway") ?? throw Xml($"{network}: Missing required gateway attribute in route definition");
            if (!IPAddress.TryParse(address, out _))
            {
                throw Xml($"{network}: Bad network address '{address}' in route definition");
            }

            if (!IPAddress.TryParse(gateway, out _))
            {
                throw Xml($"{network}: Bad gateway address '{gateway}' in route definition");
            }
        }
    }

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, "XML error: " + message);
}
