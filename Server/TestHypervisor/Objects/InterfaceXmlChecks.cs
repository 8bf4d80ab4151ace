using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// The refusals of libvirt's host-interface parser, in the order it meets them: the type (required, one of four, and
/// restricted inside a bridge or bond), the name, the top-level start mode, MTU and protocols, the link, and the
/// element each type needs (bridge, bond, vlan) with its own attributes and nested interfaces.
/// </summary>
internal static class InterfaceXmlChecks
{
    private static readonly string[] Types = ["ethernet", "bridge", "bond", "vlan"];
    private static readonly string[] StartModes = ["onboot", "hotplug", "none"];
    private static readonly string[] BondModes = ["balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"];
    private static readonly string[] LinkStates = ["", "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"];

    /// <summary>Checks one interface element; <paramref name="parentType"/> is null at the top level.</summary>
    public static void Check(XElement element, string? parentType)
    {
        string? type = (string?)element.Attribute("type");
        if (type is null)
        {
            throw XmlFault($"Missing required attribute 'type' in element '{element.Name.LocalName}'");
        }

        if (Array.IndexOf(Types, type) < 0)
        {
            throw XmlFault($"Invalid value for attribute 'type' in element '{element.Name.LocalName}': '{type}'.");
        }

        bool allowed = parentType switch
        {
            null => true,
            "bond" => type == "ethernet",
            "bridge" => type != "bridge",
            _ => false,
        };
        if (!allowed)
        {
            throw Fault($"interface has unsupported type '{type}'");
        }

        if (element.Attribute("name") is null)
        {
            throw Fault("interface has no name");
        }

        if (parentType is null)
        {
            CheckTopLevel(element);
        }

        if (type != "bridge" && element.Element("link") is XElement link)
        {
            CheckLink(link);
        }

        switch (type)
        {
            case "bridge":
                XElement bridge = element.Element("bridge") ?? throw Fault("bridge interface misses the bridge element");
                foreach (XElement nested in bridge.Elements("interface"))
                {
                    Check(nested, "bridge");
                }

                break;
            case "bond":
                CheckBond(element.Element("bond") ?? throw Fault("bond interface misses the bond element"));
                break;
            case "vlan":
                XElement vlan = element.Element("vlan") ?? throw Fault("vlan interface misses the vlan element");
                if (vlan.Attribute("tag") is null)
                {
                    throw Fault("vlan interface misses the tag attribute");
                }

                if (vlan.Element("interface")?.Attribute("name") is null)
                {
                    throw Fault("vlan interface misses name attribute");
                }

                break;
        }
    }

    private static void CheckTopLevel(XElement element)
    {
        string? mode = (string?)element.Element("start")?.Attribute("mode");
        if (mode is not null && Array.IndexOf(StartModes, mode) < 0)
        {
            throw Fault($"unknown interface startmode {mode}");
        }

        string? mtu = (string?)element.Element("mtu")?.Attribute("size");
        if (!string.IsNullOrEmpty(mtu))
        {
            // An MTU that is not a number fails libvirt's parse without an error of its own, so the public API reports
            // its generic one.
            if (!uint.TryParse(mtu, NumberStyles.None, CultureInfo.InvariantCulture, out uint size))
            {
                throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.None, "An error occurred, but the cause is unknown");
            }

            if (size > 100000)
            {
                throw Fault("value of the 'size' attribute of 'mtu' element must be at most 100000");
            }
        }

        foreach (XElement protocol in element.Elements("protocol"))
        {
            string family = (string?)protocol.Attribute("family") ?? throw Fault("protocol misses the family attribute");
            if (family is not ("ipv4" or "ipv6"))
            {
                throw Fault($"unsupported protocol family '{family}'");
            }

            if (protocol.Element("dhcp")?.Attribute("peerdns") is XAttribute peerdns && peerdns.Value is not ("yes" or "no"))
            {
                throw XmlFault($"Invalid value for attribute 'peerdns' in element 'dhcp': '{peerdns.Value}'.");
            }

            foreach (XElement ip in protocol.Elements("ip"))
            {
                if (ip.Attribute("address") is not null && ip.Attribute("prefix") is XAttribute prefix
                    && !int.TryParse(prefix.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    throw XmlFault($"Invalid value for attribute 'prefix' in element 'ip': '{prefix.Value}'. Expected integer value");
                }
            }
        }
    }

    private static void CheckLink(XElement link)
    {
        if (link.Attribute("state") is XAttribute state && Array.IndexOf(LinkStates, state.Value) < 0)
        {
            throw XmlFault($"Invalid value for attribute 'state' in element 'link': '{state.Value}'.");
        }

        if (link.Attribute("speed") is XAttribute speed && !uint.TryParse(speed.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw XmlFault($"Invalid value for attribute 'speed' in element 'link': '{speed.Value}'. Expected non-negative integer value");
        }
    }

    private static void CheckBond(XElement bond)
    {
        string? mode = (string?)bond.Attribute("mode");
        if (mode is not null && Array.IndexOf(BondModes, mode) < 0)
        {
            throw Fault($"unknown bonding mode {mode}");
        }

        foreach (XElement nested in bond.Elements("interface"))
        {
            Check(nested, "bond");
        }

        if (bond.Element("miimon") is XElement miimon)
        {
            if (XPathInt(miimon, "freq") is not XPathResult.Value)
            {
                throw Fault("bond interface miimon freq missing or invalid");
            }

            if (XPathInt(miimon, "downdelay") is XPathResult.Invalid)
            {
                throw Fault("bond interface miimon downdelay invalid");
            }

            if (XPathInt(miimon, "updelay") is XPathResult.Invalid)
            {
                throw Fault("bond interface miimon updelay invalid");
            }

            string? carrier = (string?)miimon.Attribute("carrier");
            if (carrier is not (null or "ioctl" or "netif"))
            {
                throw Fault($"unknown mii bonding carrier {carrier}");
            }
        }
        else if (bond.Element("arpmon") is XElement arpmon)
        {
            if (XPathInt(arpmon, "interval") is not XPathResult.Value)
            {
                throw Fault("bond interface arpmon interval missing or invalid");
            }

            if (arpmon.Attribute("target") is null)
            {
                throw Fault("bond interface arpmon target missing");
            }

            string? validate = (string?)arpmon.Attribute("validate");
            if (validate is not (null or "active" or "backup" or "all"))
            {
                throw Fault($"unknown arp bonding validate {validate}");
            }
        }
    }

    private enum XPathResult
    {
        Missing,
        Invalid,
        Value,
    }

    // libvirt reads these numbers through XPath's string(): absent and empty are "missing", anything strtol does not
    // consume whole is "invalid".
    private static XPathResult XPathInt(XElement element, string attribute)
    {
        string? text = (string?)element.Attribute(attribute);
        if (string.IsNullOrEmpty(text))
        {
            return XPathResult.Missing;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite, CultureInfo.InvariantCulture, out _) ? XPathResult.Value : XPathResult.Invalid;
    }

    private static LibvirtErrorException Fault(string message) => new(ErrorCode.XmlError, ErrorDomain.Interface, "XML error: " + message);

    private static LibvirtErrorException XmlFault(string message) => new(ErrorCode.XmlError, ErrorDomain.Xml, "XML error: " + message);
}
