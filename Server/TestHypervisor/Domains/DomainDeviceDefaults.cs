using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Smaller defaults libvirt's device parser fills in and writes back: a filesystem's type (mount) and access mode
/// (passthrough unless it is a vhost-user socket), the start port of ICH9 UHCI companion controllers, and the
/// protocol of character devices, which libvirt writes for TCP sources only (raw when none was given).
/// </summary>
internal static class DomainDeviceDefaults
{
    private static readonly string[] FilesystemAttributeOrder = ["type", "accessmode", "model", "multidevs", "fmode", "dmode"];

    /// <summary>Applies the defaults to the devices in place.</summary>
    public static void Apply(IEnumerable<XElement> devices)
    {
        foreach (XElement device in devices)
        {
            switch (device.Name.LocalName)
            {
                case "filesystem":
                    Filesystem(device);
                    break;
                case "controller":
                    UhciCompanion(device);
                    break;
                case "serial" or "parallel" or "console" or "channel" or "redirdev" or "smartcard":
                    ChrProtocol(device);
                    break;
                case "rng" when device.Element("backend") is XElement backend && (string?)backend.Attribute("model") == "egd":
                    ChrProtocol(backend);
                    break;
            }
        }
    }

    private static void Filesystem(XElement fs)
    {
        bool socket = fs.Element("source")?.Attribute("socket") is not null;
        if (fs.Attribute("type") is null)
        {
            fs.Add(new XAttribute("type", "mount"));
        }

        if (fs.Attribute("accessmode") is null && !socket)
        {
            fs.Add(new XAttribute("accessmode", "passthrough"));
        }

        XAttribute[] known = [.. FilesystemAttributeOrder.Select(n => fs.Attribute(n)).OfType<XAttribute>()];
        XAttribute[] rest = [.. fs.Attributes().Where(a => !FilesystemAttributeOrder.Contains(a.Name.LocalName))];
        fs.ReplaceAttributes(known.Select(a => new XAttribute(a)), rest.Select(a => new XAttribute(a)));
    }

    private static void UhciCompanion(XElement controller)
    {
        if ((string?)controller.Attribute("type") != "usb" || controller.Element("master") is not null)
        {
            return;
        }

        string? startport = (string?)controller.Attribute("model") switch
        {
            "ich9-uhci1" => "0",
            "ich9-uhci2" => "2",
            "ich9-uhci3" => "4",
            _ => null,
        };
        if (startport is null)
        {
            return;
        }

        // libvirt writes the master after the alias and before the address.
        var master = new XElement("master", new XAttribute("startport", startport));
        if (controller.Element("address") is XElement address)
        {
            address.AddBeforeSelf(master);
        }
        else
        {
            controller.Add(master);
        }
    }

    private static void ChrProtocol(XElement chr)
    {
        if ((string?)chr.Attribute("type") == "tcp")
        {
            if (chr.Element("protocol") is null && chr.Elements("source").LastOrDefault() is XElement source)
            {
                source.AddAfterSelf(new XElement("protocol", new XAttribute("type", "raw")));
            }
        }
        else
        {
            chr.Elements("protocol").Remove();
        }
    }
}
