using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// A device's &lt;address&gt; as libvirt writes it back: every field of the address type present (missing ones are
/// 0) in libvirt's order and number format, whatever base or subset the client wrote. libvirt reads these numbers
/// as C's strtoul does with base 0 (0x for hex, a leading 0 for octal) except drive, USB and DIMM numbers, which are
/// decimal.
/// </summary>
internal static class DomainAddressFormat
{
    /// <summary>Rewrites the &lt;address&gt; child of each device in place; addresses it cannot read stay as written.</summary>
    public static void Apply(IEnumerable<XElement> devices)
    {
        foreach (XElement device in devices)
        {
            if (device.Element("address") is XElement address && Format(address) is XElement formatted)
            {
                address.ReplaceWith(formatted);
            }

            if (PciSourceAddress(device) is XElement source && PciSource(source, withType: device.Name.LocalName == "interface") is XElement formattedSource)
            {
                source.ReplaceWith(formattedSource);
            }
        }
    }

    /// <summary>Reads the s390 ids of PCI addresses while the devices are parsed, where libvirt refuses bad ones.</summary>
    public static void CheckZpci(IEnumerable<XElement> devices)
    {
        foreach (XElement zpci in devices.Select(d => d.Element("address")).Where(a => (string?)a?.Attribute("type") == "pci").SelectMany(a => a!.Elements("zpci")))
        {
            _ = ZpciId(zpci, "uid");
            _ = ZpciId(zpci, "fid");
        }
    }

    // The host PCI device a device passes through or a disk's NVMe controller: all four fields are written even when
    // zero, and only an interface's names its type.
    private static XElement? PciSourceAddress(XElement device)
    {
        string? type = (string?)device.Attribute("type");
        bool pci = device.Name.LocalName switch
        {
            "hostdev" => type == "pci" && (string?)device.Attribute("mode") is null or "subsystem",
            "interface" => type == "hostdev",
            "disk" => type == "nvme",
            _ => false,
        };
        return pci ? device.Element("source")?.Element("address") : null;
    }

    private static XElement? PciSource(XElement address, bool withType)
    {
        if (!TryField(address, "domain", false, out uint domain) || !TryField(address, "bus", false, out uint bus)
            || !TryField(address, "slot", false, out uint slot) || !TryField(address, "function", false, out uint function))
        {
            return null;
        }

        return new XElement(
            "address",
            withType ? new XAttribute("type", "pci") : null,
            new XAttribute("domain", string.Create(CultureInfo.InvariantCulture, $"0x{domain:x4}")),
            new XAttribute("bus", string.Create(CultureInfo.InvariantCulture, $"0x{bus:x2}")),
            new XAttribute("slot", string.Create(CultureInfo.InvariantCulture, $"0x{slot:x2}")),
            new XAttribute("function", string.Create(CultureInfo.InvariantCulture, $"0x{function}")),
            address.Attributes().Where(a => a.Name.LocalName is not ("type" or "domain" or "bus" or "slot" or "function")).Select(a => new XAttribute(a)),
            address.Elements().Select(e => new XElement(e)));
    }

    private static XElement? Format(XElement address)
    {
        string? type = (string?)address.Attribute("type");
        return type switch
        {
            "pci" => Pci(address),
            "drive" => Fields(address, type, ["controller", "bus", "target", "unit"], decimalOnly: true),
            "virtio-serial" => Fields(address, type, ["controller", "bus", "port"], decimalOnly: false),
            "ccid" => Fields(address, type, ["controller", "slot"], decimalOnly: false),
            "ccw" => Ccw(address),
            "spapr-vio" => SpaprVio(address),
            _ => null,
        };
    }

    private static XElement? Pci(XElement address)
    {
        if (!TryField(address, "domain", false, out uint domain) || !TryField(address, "bus", false, out uint bus)
            || !TryField(address, "slot", false, out uint slot) || !TryField(address, "function", false, out uint function))
        {
            return null;
        }

        // libvirt's range checks (bus, slot, function) run only on an address that is not all zero.
        if (domain != 0 || bus != 0 || slot != 0)
        {
            _ = PciAddress.Parse(address);
        }

        var result = new XElement("address", new XAttribute("type", "pci"));

        // A PCI address with domain, bus and slot all zero is libvirt's "not assigned", written with its type alone
        // whatever its function.
        if (domain != 0 || bus != 0 || slot != 0)
        {
            result.Add(
                new XAttribute("domain", string.Create(CultureInfo.InvariantCulture, $"0x{domain:x4}")),
                new XAttribute("bus", string.Create(CultureInfo.InvariantCulture, $"0x{bus:x2}")),
                new XAttribute("slot", string.Create(CultureInfo.InvariantCulture, $"0x{slot:x2}")),
                new XAttribute("function", string.Create(CultureInfo.InvariantCulture, $"0x{function}")));
        }

        if ((string?)address.Attribute("multifunction") is string multifunction)
        {
            result.Add(new XAttribute("multifunction", multifunction));
        }

        result.Add(address.Elements().Select(e => e.Name.LocalName == "zpci" ? Zpci(e) : new XElement(e)));
        return result;
    }

    // An s390 PCI address: libvirt writes both ids in fixed-width hex once either is given (the other as 0), and
    // drops the element when neither is.
    private static XElement? Zpci(XElement zpci)
    {
        uint? uid = ZpciId(zpci, "uid");
        uint? fid = ZpciId(zpci, "fid");
        return uid is null && fid is null ? null : new XElement(
            "zpci",
            new XAttribute("uid", string.Create(CultureInfo.InvariantCulture, $"0x{uid ?? 0:x4}")),
            new XAttribute("fid", string.Create(CultureInfo.InvariantCulture, $"0x{fid ?? 0:x8}")));
    }

    private static uint? ZpciId(XElement zpci, string name)
    {
        string? text = (string?)zpci.Attribute(name);
        if (text is null)
        {
            return null;
        }

        return !text.TrimStart().StartsWith('-') && CNumber.TryParseUInt32Base0(text, out uint value)
            ? value
            : throw new LibvirtErrorException(
                ErrorCode.XmlError,
                ErrorDomain.Xml,
                $"XML error: Invalid value for attribute '{name}' in element 'zpci': '{text}'. Expected non-negative integer value");
    }

    private static XElement? Ccw(XElement address)
    {
        if (address.Attribute("cssid") is null || !TryField(address, "cssid", false, out uint cssid)
            || !TryField(address, "ssid", false, out uint ssid) || !TryField(address, "devno", false, out uint devno))
        {
            return null;
        }

        return new XElement(
            "address",
            new XAttribute("type", "ccw"),
            new XAttribute("cssid", string.Create(CultureInfo.InvariantCulture, $"0x{cssid:x}")),
            new XAttribute("ssid", string.Create(CultureInfo.InvariantCulture, $"0x{ssid:x}")),
            new XAttribute("devno", string.Create(CultureInfo.InvariantCulture, $"0x{devno:x4}")));
    }

    private static XElement? SpaprVio(XElement address)
    {
        string? text = ((string?)address.Attribute("reg"))?.Trim();
        if (text is null)
        {
            return null;
        }

        bool parsed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong reg)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out reg);
        return parsed ? new XElement("address", new XAttribute("type", "spapr-vio"), new XAttribute("reg", string.Create(CultureInfo.InvariantCulture, $"0x{reg:x8}"))) : null;
    }

    private static XElement? Fields(XElement address, string type, string[] names, bool decimalOnly)
    {
        var result = new XElement("address", new XAttribute("type", type));
        foreach (string name in names)
        {
            if (!TryField(address, name, decimalOnly, out uint value))
            {
                return null;
            }

            result.Add(new XAttribute(name, value.ToString(CultureInfo.InvariantCulture)));
        }

        return result;
    }

    private static bool TryField(XElement address, string name, bool decimalOnly, out uint value)
    {
        value = 0;
        string? text = (string?)address.Attribute(name);
        if (text is null)
        {
            return true;
        }

        text = text.Trim();
        if (decimalOnly)
        {
            return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        return CNumber.TryParseUInt32(text, out value);
    }
}
