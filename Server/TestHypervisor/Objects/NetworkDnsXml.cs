using System.Globalization;
using System.Net;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A network's &lt;dns&gt; element as libvirt reads and writes it: each record checked in libvirt's order, then
/// rebuilt in its layout (forwarders, TXT, SRV, hosts; addresses in canonical form; zero SRV numbers and unknown
/// children dropped; nothing at all written for an element that sets nothing). Also the clean-up libvirt's network
/// parser applies to &lt;metadata&gt;.
/// </summary>
internal static class NetworkDnsXml
{
    private const int SrvRecordLimit = 512 - 30;

    private const string ServiceChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*";

    private const string ProtocolChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/";

    /// <summary>Checks <paramref name="dns"/> and returns it in libvirt's layout, or null when libvirt would write none.</summary>
    public static XElement? Parse(XElement dns, string network)
    {
        string? enable = TestXml.YesNo(dns, "enable");
        string? plainNames = TestXml.YesNo(dns, "forwardPlainNames");

        var forwarders = new List<XElement>();
        foreach (XElement forwarder in dns.Elements("forwarder"))
        {
            string? addr = (string?)forwarder.Attribute("addr");
            string? canonical = null;
            if (addr is not null && !TryCanonicalAddress(addr, out canonical))
            {
                throw Xml($"Invalid forwarder IP address '{addr}' in network '{network}'");
            }

            string? domain = (string?)forwarder.Attribute("domain");
            if (addr is null && domain is null)
            {
                throw Xml("Invalid forwarder element, must contain at least one of addr or domain");
            }

            forwarders.Add(new XElement("forwarder", Attribute("domain", domain), Attribute("addr", canonical)));
        }

        var hosts = new List<XElement>();
        foreach (XElement host in dns.Elements("host"))
        {
            hosts.Add(ParseHost(host, network, partialOkay: false));
        }

        var srvs = new List<XElement>();
        foreach (XElement srv in dns.Elements("srv"))
        {
            srvs.Add(ParseSrv(srv, network, partialOkay: false));
        }

        var txts = new List<XElement>();
        foreach (XElement txt in dns.Elements("txt"))
        {
            txts.Add(ParseTxt(txt, network, partialOkay: false));
        }

        bool records = forwarders.Count + hosts.Count + srvs.Count + txts.Count > 0;
        if (enable == "no" && records)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Network, $"XML error: Extra data in disabled network '{network}'");
        }

        if (enable is null && plainNames is null && !records)
        {
            return null;
        }

        return new XElement("dns", Attribute("enable", enable), Attribute("forwardPlainNames", plainNames), forwarders, txts, srvs, hosts);
    }

    /// <summary>
    /// A copy of the metadata element without children that have no namespace and without any later child in a
    /// namespace an earlier one already uses, as libvirt stores it.
    /// </summary>
    public static XElement? SanitizeMetadata(XElement? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        var copy = new XElement(metadata);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (XNode node in copy.Nodes().ToList())
        {
            if (node is not XElement child || child.Name.NamespaceName.Length == 0 || !seen.Add(child.Name.NamespaceName))
            {
                node.Remove();
            }
        }

        return copy;
    }

    /// <summary>
    /// One DNS host record, checked and rebuilt. <paramref name="partialOkay"/> is net-update's delete, where the
    /// address or the names alone may identify the record.
    /// </summary>
    public static XElement ParseHost(XElement host, string network, bool partialOkay)
    {
        string? ip = (string?)host.Attribute("ip");
        if (ip is null && !partialOkay)
        {
            throw Detail($"Missing IP address in network '{network}' DNS HOST record");
        }

        string? canonical = null;
        if (ip is not null && !TryCanonicalAddress(ip, out canonical))
        {
            throw Detail($"Invalid IP address in network '{network}' DNS HOST record");
        }

        var names = new List<XElement>();
        foreach (XElement hostname in host.Elements("hostname"))
        {
            // An element with no content at all is skipped; one whose content is empty text is refused.
            if (!hostname.Nodes().Any())
            {
                continue;
            }

            if (hostname.Value.Length == 0)
            {
                throw Detail($"Missing hostname in network '{network}' DNS HOST record");
            }

            names.Add(new XElement("hostname", hostname.Value));
        }

        if (names.Count == 0 && !partialOkay)
        {
            throw Detail($"Missing hostname in network '{network}' DNS HOST record");
        }

        if (canonical is null && names.Count == 0)
        {
            throw Detail($"Missing ip and hostname in network '{network}' DNS HOST record");
        }

        return new XElement("host", Attribute("ip", canonical), names);
    }

    /// <summary>
    /// One DNS SRV record, checked and rebuilt. <paramref name="partialOkay"/> is net-update's delete, where service and
    /// protocol may be left out.
    /// </summary>
    public static XElement ParseSrv(XElement srv, string network, bool partialOkay)
    {
        string? service = (string?)srv.Attribute("service");
        if (service is null && !partialOkay)
        {
            throw Detail($"missing required service attribute in DNS SRV record of network '{network}'");
        }

        if (service is not null && service.Length > SrvRecordLimit)
        {
            throw Detail($"service attribute '{service}' in network '{network}' is too long, limit is {SrvRecordLimit} bytes");
        }

        if (service is not null && service.Any(c => !ServiceChars.Contains(c, StringComparison.Ordinal)))
        {
            throw Detail($"invalid character in service attribute '{service}' in DNS SRV record of network '{network}'");
        }

        // libvirt prints a missing service as "(null)" in the messages below.
        string? protocol = (string?)srv.Attribute("protocol");
        if (protocol is null && !partialOkay)
        {
            throw Detail($"missing required protocol attribute in DNS SRV record '{service}' of network '{network}'");
        }

        if (protocol is not null && protocol.Any(c => !ProtocolChars.Contains(c, StringComparison.Ordinal)))
        {
            throw Detail($"invalid character in protocol attribute '{protocol}' in DNS SRV record of network '{network}'");
        }

        service ??= "(null)";

        string? domain = (string?)srv.Attribute("domain");
        string? target = (string?)srv.Attribute("target");
        uint port = SrvNumber(srv, "port", target, service, network, "invalid DNS SRV port attribute", min: 1);
        uint priority = SrvNumber(srv, "priority", target, service, network, "Invalid DNS SRV priority attribute", min: 0);
        uint weight = SrvNumber(srv, "weight", target, service, network, "invalid DNS SRV weight attribute", min: 0);
        return new XElement(
            "srv",
            Attribute("service", (string?)srv.Attribute("service")),
            Attribute("protocol", protocol),
            Attribute("domain", domain),
            Attribute("target", target),
            Attribute("port", port == 0 ? null : port.ToString(CultureInfo.InvariantCulture)),
            Attribute("priority", priority == 0 ? null : priority.ToString(CultureInfo.InvariantCulture)),
            Attribute("weight", weight == 0 ? null : weight.ToString(CultureInfo.InvariantCulture)));
    }

    // A number is allowed only next to a target; a value that is not a number, or is out of range, is refused.
    private static uint SrvNumber(XElement srv, string name, string? target, string service, string network, string invalid, uint min)
    {
        string? text = (string?)srv.Attribute(name);
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        bool parsed = TryParseUnsigned(text, out uint value);
        if (parsed && target is null)
        {
            throw Detail($"DNS SRV {name} attribute not permitted without target for service '{service}' in network '{network}'");
        }

        if (!parsed || value < min || value > 65535)
        {
            throw Detail($"{invalid} for service '{service}' in network '{network}'");
        }

        return value;
    }

    // strtoul in base 10: leading blanks and a sign allowed, a negative number wraps around.
    private static bool TryParseUnsigned(string text, out uint value)
    {
        ReadOnlySpan<char> s = text.AsSpan().TrimStart();
        bool negative = s.StartsWith("-");
        if (negative || s.StartsWith("+"))
        {
            s = s[1..];
        }

        if (!uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        if (negative)
        {
            value = unchecked(0u - value);
        }

        return true;
    }

    /// <summary>One DNS TXT record, checked and rebuilt; net-update's delete (<paramref name="partialOkay"/>) needs only the name.</summary>
    public static XElement ParseTxt(XElement txt, string network, bool partialOkay)
    {
        string name = (string?)txt.Attribute("name") ?? throw Detail($"missing required name attribute in DNS TXT record of network {network}");
        if (name.AsSpan().IndexOfAny(' ', ',') >= 0)
        {
            throw Detail($"prohibited character in DNS TXT record name '{name}' of network {network}");
        }

        string? value = (string?)txt.Attribute("value");
        if (value is null && !partialOkay)
        {
            throw Detail($"missing required value attribute in DNS TXT record named '{name}' of network {network}");
        }

        return new XElement("txt", new XAttribute("name", name), Attribute("value", value));
    }

    // libvirt parses numerically (inet_aton rules for IPv4, so "1.2.3" is 1.2.0.3) and prints the canonical form.
    private static bool TryCanonicalAddress(string text, out string? canonical)
    {
        canonical = null;
        if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out IPAddress? address))
        {
            return false;
        }

        canonical = address.ToString();
        return true;
    }

    private static XAttribute? Attribute(string name, string? value) => value is null ? null : new XAttribute(name, value);

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, "XML error: " + message);

    private static LibvirtErrorException Detail(string message) => new(ErrorCode.XmlDetail, ErrorDomain.Network, message);
}
