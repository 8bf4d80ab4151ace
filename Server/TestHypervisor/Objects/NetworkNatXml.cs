using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// The &lt;nat&gt; element of a forward as libvirt reads it: only in nat mode, one at most, one IPv4 address range
/// (both ends, same first two bytes, not reversed) and one port range (base-10 numbers up to 65535, end not below
/// start), written back in libvirt's layout.
/// </summary>
internal static class NetworkNatXml
{
    /// <summary>The forward's nat element as libvirt writes it back, or null when there is none or it says nothing.</summary>
    public static XElement? Parse(XElement forward, string mode, string network)
    {
        XElement[] nats = [.. forward.Elements("nat")];
        if (nats.Length > 1)
        {
            throw Xml($"Only one <nat> element is allowed in <forward> of network {network}");
        }

        if (nats.Length == 0)
        {
            return null;
        }

        XElement nat = nats[0];
        if (mode != "nat")
        {
            throw Xml($"The <nat> element can only be used when <forward> 'mode' is 'nat' in network {network}");
        }

        string? ipv6 = TestXml.YesNo(nat, "ipv6");

        (IPAddress Start, IPAddress End)? addresses = AddressRange(nat, network);
        (uint Start, uint End) ports = PortRange(nat, network);
        if (addresses is null && ports is (0, 0) && ipv6 is null)
        {
            return null;
        }

        return new XElement(
            "nat",
            ipv6 is null ? null : new XAttribute("ipv6", ipv6),
            addresses is { } a ? new XElement("address", new XAttribute("start", a.Start), new XAttribute("end", a.End)) : null,
            ports is (0, 0) ? null : new XElement(
                "port",
                new XAttribute("start", ports.Start.ToString(CultureInfo.InvariantCulture)),
                ports.End == 0 ? null : new XAttribute("end", ports.End.ToString(CultureInfo.InvariantCulture))));
    }

    private static (IPAddress Start, IPAddress End)? AddressRange(XElement nat, string network)
    {
        XElement[] nodes = [.. nat.Elements("address")];
        if (nodes.Length > 1)
        {
            throw Xml($"Only one <address> element is allowed in <nat> in <forward> in network {network}");
        }

        if (nodes.Length == 0)
        {
            return null;
        }

        string start = (string?)nodes[0].Attribute("start") ?? throw Xml($"missing 'start' attribute in <address> element in <nat> in <forward> in network {network}");
        string end = (string?)nodes[0].Attribute("end") ?? throw Xml($"missing 'end' attribute in <address> element in <nat> in <forward> in network {network}");
        IPAddress first = Ipv4(start) ?? throw Xml($"Bad ipv4 start address '{start}' in <nat> in <forward> in network '{network}'");
        IPAddress last = Ipv4(end) ?? throw Xml($"Bad ipv4 end address '{end}' in <nat> in <forward> in network '{network}'");
        byte[] a = first.GetAddressBytes();
        byte[] b = last.GetAddressBytes();
        if (a[0] != b[0] || a[1] != b[1])
        {
            throw Internal($"range {first} - {last} is too large (> 65535)");
        }

        if ((b[2] - a[2]) * 256 + (b[3] - a[3]) < 0)
        {
            throw Internal($"range {first} - {last} is reversed ");
        }

        return (first, last);
    }

    private static (uint Start, uint End) PortRange(XElement nat, string network)
    {
        XElement[] nodes = [.. nat.Elements("port")];
        if (nodes.Length > 1)
        {
            throw Xml($"Only one <port> element is allowed in <nat> in <forward> in network {network}");
        }

        if (nodes.Length == 0)
        {
            return (0, 0);
        }

        if (!CNumber.TryParseDecimal((string?)nodes[0].Attribute("start"), out ulong start) || start > 65535)
        {
            throw Detail($"Missing or invalid 'start' attribute in <port> in <nat> in <forward> in network {network}");
        }

        if (!CNumber.TryParseDecimal((string?)nodes[0].Attribute("end"), out ulong end) || end > 65535 || end < start)
        {
            throw Detail($"Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network {network}");
        }

        return ((uint)start, (uint)end);
    }

    private static IPAddress? Ipv4(string text)
        => IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetwork ? address : null;

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, "XML error: " + message);

    private static LibvirtErrorException Detail(string message) => new(ErrorCode.XmlDetail, ErrorDomain.Network, message);

    private static LibvirtErrorException Internal(string message) => new(ErrorCode.InternalError, ErrorDomain.None, "internal error: " + message);
}
