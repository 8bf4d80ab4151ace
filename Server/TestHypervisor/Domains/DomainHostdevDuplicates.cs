using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt's validation refuses two PCI, USB or mediated host devices that name the same host source (SCSI host
/// devices are checked with their addresses in <see cref="DomainDevicePostParse"/>). Each device is compared with
/// those after it, as libvirt does: a USB device given by bus and device number matches on those, otherwise on
/// vendor and product.
/// </summary>
internal static class DomainHostdevDuplicates
{
    public static void Check(IReadOnlyList<XElement> devices)
    {
        XElement[] hostdevs = [.. devices.Where(d => d.Name.LocalName == "hostdev" && (string?)d.Attribute("mode") is null or "subsystem")];
        for (int i = 0; i < hostdevs.Length; i++)
        {
            for (int j = i + 1; j < hostdevs.Length; j++)
            {
                if (Match(hostdevs[i], hostdevs[j]))
                {
                    throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: Hostdev already exists in the domain configuration");
                }
            }
        }
    }

    private static bool Match(XElement first, XElement second)
    {
        string? type = (string?)first.Attribute("type");
        if (type != (string?)second.Attribute("type"))
        {
            return false;
        }

        XElement? a = first.Element("source");
        XElement? b = second.Element("source");
        return type switch
        {
            "pci" => SameNumbers(a?.Element("address"), b?.Element("address"), "domain", "bus", "slot", "function"),
            "usb" => Number(a?.Element("address"), "bus") != 0 && Number(a?.Element("address"), "device") != 0
                ? SameNumbers(a?.Element("address"), b?.Element("address"), "bus", "device")
                : SameNumbers(a?.Element("vendor"), b?.Element("vendor"), "id") && SameNumbers(a?.Element("product"), b?.Element("product"), "id"),
            "mdev" => (string?)a?.Element("address")?.Attribute("uuid") is string uuid && uuid == (string?)b?.Element("address")?.Attribute("uuid"),
            _ => false,
        };
    }

    private static bool SameNumbers(XElement? a, XElement? b, params string[] names)
        => names.All(n => Number(a, n) == Number(b, n));

    private static uint? Number(XElement? element, string name)
    {
        string? text = ((string?)element?.Attribute(name))?.Trim();
        if (text is null)
        {
            return 0;
        }

        return CNumber.TryParseUInt32(text, out uint value) ? value : null;
    }
}
