using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt's refusals for host devices: a mediated device without a source UUID (parsing) or with an address its
/// model cannot take (post-parse), and in validation two PCI, USB or mediated devices naming the same host source
/// (SCSI sources are compared in <see cref="DomainDevicePostParse"/>), more than one vGPU with ramfb on, and two
/// SCSI host devices at one drive address. A USB device given by bus and device number matches on those, otherwise
/// on vendor and product, comparing each device with those after it as libvirt does.
/// </summary>
internal static class DomainHostdevChecks
{
    public static void CheckAtParse(IReadOnlyList<XElement> devices)
    {
        foreach (XElement mdev in Subsystem(devices).Where(h => (string?)h.Attribute("type") == "mdev"))
        {
            XElement address = mdev.Element("source")?.Element("address") ?? throw Unsupported("Missing <address> element");
            if (address.Attribute("uuid") is null)
            {
                throw Unsupported("Missing 'uuid' attribute for element <address>");
            }
        }
    }

    public static void CheckAddresses(IReadOnlyList<XElement> devices)
    {
        foreach (XElement mdev in Subsystem(devices).Where(h => (string?)h.Attribute("type") == "mdev"))
        {
            string? model = (string?)mdev.Attribute("model");
            if ((string?)mdev.Element("address")?.Attribute("type") is string type
                && ((model == "vfio-pci" && type != "pci") || (model == "vfio-ccw" && type != "ccw")))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: Unsupported address type '{type}' with mediated device model '{model}'");
            }
        }
    }

    public static void Check(IReadOnlyList<XElement> devices)
    {
        XElement[] hostdevs = [.. Subsystem(devices)];
        bool ramfb = false;
        for (int i = 0; i < hostdevs.Length; i++)
        {
            for (int j = i + 1; j < hostdevs.Length; j++)
            {
                if (Match(hostdevs[i], hostdevs[j]))
                {
                    throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: Hostdev already exists in the domain configuration");
                }
            }

            if ((string?)hostdevs[i].Attribute("type") == "mdev" && (string?)hostdevs[i].Attribute("ramfb") == "on")
            {
                ramfb = ramfb ? throw Unsupported("Only one vgpu device can have 'ramfb' enabled") : true;
            }
        }

        XElement[] scsi = [.. hostdevs.Where(h => (string?)h.Attribute("type") == "scsi" && (string?)h.Element("address")?.Attribute("type") == "drive")];
        for (int i = 0; i < scsi.Length; i++)
        {
            if (scsi.Skip(i + 1).Any(other => SameNumbers(scsi[i].Element("address"), other.Element("address"), "controller", "bus", "target", "unit")))
            {
                // libvirt's message shows the bus as the controller and the controller as the bus.
                XElement a = scsi[i].Element("address")!;
                throw Unsupported($"SCSI host address controller='{Number(a, "bus")}' bus='{Number(a, "controller")}' target='{Number(a, "target")}' unit='{Number(a, "unit")}' in use by another SCSI host device");
            }
        }
    }

    private static IEnumerable<XElement> Subsystem(IReadOnlyList<XElement> devices)
        => devices.Where(d => d.Name.LocalName == "hostdev" && (string?)d.Attribute("mode") is null or "subsystem");

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: " + message);

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
