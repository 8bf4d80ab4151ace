using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// The device pool of a network's &lt;forward&gt; element as libvirt reads it: netdev interfaces (a lone <c>dev</c>
/// attribute counting as the first), otherwise PCI addresses, otherwise one physical function. Only one of the three
/// kinds is kept, with libvirt's checks for repeats and missing attributes.
/// </summary>
internal static class NetworkForwardXml
{
    private static readonly string[] HostdevDeviceTypes = ["none", "pci", "netdev"];

    /// <summary>What a forward element's device pool holds.</summary>
    internal sealed record Pool(List<string> Interfaces, List<PciAddress> Addresses, string? Pf);

    /// <summary>Reads the interfaces, addresses and pf of <paramref name="forward"/>, checked as libvirt does.</summary>
    public static Pool Read(XElement forward, string network)
    {
        XElement[] interfaceNodes = [.. forward.Elements("interface")];
        XElement[] addressNodes = [.. forward.Elements("address")];
        XElement[] pfNodes = [.. forward.Elements("pf")];
        string? dev = (string?)forward.Attribute("dev");
        if (dev is { Length: 0 })
        {
            dev = null;
        }

        if (dev is not null && (addressNodes.Length > 0 || pfNodes.Length > 0))
        {
            // libvirt's message carries an unfilled "%s" here: the network's name is never substituted.
            throw Xml("the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements are present in network %s");
        }

        var interfaces = new List<string>();
        var addresses = new List<PciAddress>();
        string? pf = null;
        if (interfaceNodes.Length > 0 || dev is not null)
        {
            if (dev is not null)
            {
                interfaces.Add(dev);
            }

            for (int i = 0; i < interfaceNodes.Length; i++)
            {
                string name = (string?)interfaceNodes[i].Attribute("dev")
                    ?? throw Xml($"Missing required dev attribute in <forward> <interface> element of network {network}");
                if (i == 0 && dev is not null)
                {
                    if (name != dev)
                    {
                        throw Xml($"<forward dev='{dev}'> must match first <interface dev='{name}'/> in network {network}");
                    }

                    continue;
                }

                if (interfaces.Contains(name))
                {
                    throw Xml($"interface '{name}' can only be listed once in network {network}");
                }

                interfaces.Add(name);
            }
        }
        else if (addressNodes.Length > 0)
        {
            foreach (XElement node in addressNodes)
            {
                string type = (string?)node.Attribute("type") ?? throw Xml($"missing address type in network {network}");
                if (Array.IndexOf(HostdevDeviceTypes, type) < 0)
                {
                    throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Network, $"unsupported configuration: unknown address type '{type}' in network {network}");
                }

                if (type != "pci")
                {
                    throw Xml($"unsupported address type '{type}' in network {network}");
                }

                PciAddress address = PciAddress.Parse(node);
                if (addresses.Contains(address))
                {
                    throw Xml($"PCI device '{address.Domain:x4}:{address.Bus:x2}:{address.Slot:x2}.{address.Function:x}' can only be listed once in network {network}");
                }

                addresses.Add(address);
            }
        }
        else if (pfNodes.Length > 1)
        {
            throw Xml($"Only one <pf> element is allowed in <forward> of network {network}");
        }
        else if (pfNodes.Length == 1)
        {
            pf = (string?)pfNodes[0].Attribute("dev") ?? throw Xml($"Missing required dev attribute in <pf> element of network '{network}'");
        }

        return new Pool(interfaces, addresses, pf);
    }

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, "XML error: " + message);
}

/// <summary>A PCI address as libvirt's device configuration reads and writes it (zPCI extensions not kept).</summary>
internal readonly record struct PciAddress(uint Domain, uint Bus, uint Slot, uint Function)
{
    /// <summary>Reads an address element's numbers (C-style: 0x hex, leading-zero octal or decimal) and checks them.</summary>
    public static PciAddress Parse(XElement node)
    {
        var address = new PciAddress(Number(node, "domain"), Number(node, "bus"), Number(node, "slot"), Number(node, "function"));
        if ((string?)node.Attribute("multifunction") is string multi && multi is not ("on" or "off"))
        {
            throw XmlFromXml($"Invalid value for attribute 'multifunction' in element '{node.Name.LocalName}': '{multi}'.");
        }

        // An all-zero domain, bus and slot means "unassigned" and skips the range checks.
        if (address.Domain == 0 && address.Bus == 0 && address.Slot == 0)
        {
            return address;
        }

        if (address.Bus > 0xFF)
        {
            throw XmlFromNone($"Invalid PCI address bus='0x{address.Bus:x}', must be <= 0xFF");
        }

        if (address.Slot > 0x1F)
        {
            throw XmlFromNone($"Invalid PCI address slot='0x{address.Slot:x}', must be <= 0x1F");
        }

        if (address.Function > 7)
        {
            throw XmlFromNone($"Invalid PCI address function=0x{address.Function:x}, must be <= 7");
        }

        return address;
    }

    /// <summary>Writes the address as libvirt does, with the type attribute (function in decimal after "0x", as libvirt prints it).</summary>
    public void Write(LibvirtXmlWriter w) => w.Empty(
        "address",
        ("type", "pci"),
        ("domain", "0x" + Domain.ToString("x4", CultureInfo.InvariantCulture)),
        ("bus", "0x" + Bus.ToString("x2", CultureInfo.InvariantCulture)),
        ("slot", "0x" + Slot.ToString("x2", CultureInfo.InvariantCulture)),
        ("function", "0x" + Function.ToString(CultureInfo.InvariantCulture)));

    private static uint Number(XElement node, string name)
    {
        if ((string?)node.Attribute(name) is not string text)
        {
            return 0;
        }

        if (!TryParseC(text, out uint value))
        {
            throw XmlFromXml($"Invalid value for attribute '{name}' in element '{node.Name.LocalName}': '{text}'. Expected non-negative integer value");
        }

        return value;
    }

    // strtoul with base 0, refusing a minus sign and anything after the digits.
    private static bool TryParseC(string text, out uint value)
    {
        ReadOnlySpan<char> s = text.AsSpan().TrimStart();
        if (s.StartsWith("+"))
        {
            s = s[1..];
        }

        return CNumber.TryParseUInt32(s, out value);
    }

    private static LibvirtErrorException XmlFromXml(string message) => new(ErrorCode.XmlError, ErrorDomain.Xml, "XML error: " + message);

    private static LibvirtErrorException XmlFromNone(string message) => new(ErrorCode.XmlError, ErrorDomain.None, "XML error: " + message);
}
