using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// SCSI host devices (<c>&lt;hostdev mode='subsystem' type='scsi'&gt;</c>): libvirt gives each one without an address
/// the first free unit of a SCSI controller (bus and target 0), refuses one whose address a SCSI disk already has,
/// and appends the SCSI controllers the host devices need, with the model of the controller the last of them sits on.
/// </summary>
internal static partial class DomainDevicePostParse
{
    // libvirt looks for a free unit among the first seven of a narrow SCSI bus.
    private const int ScsiBusMaxUnit = 7;

    /// <summary>
    /// libvirt adds these controllers while it parses each host device, before any address is assigned, so a host
    /// device without an address counts as one on controller 0 here.
    /// </summary>
    private static void AddScsiHostdevControllersAtParse(List<XElement> hostdevs, List<XElement> controllers)
    {
        // Each host device's parse adds what the ones read so far need, so a controller takes the model known then;
        // controllers written without an index have none yet and so count as missing.
        for (int count = 1; count <= hostdevs.Count; count++)
        {
            AddScsiHostdevControllers(hostdevs.GetRange(0, count), controllers, h => DriveAddress(h)?.Controller ?? 0);
        }
    }

    /// <summary>Assigns drive addresses and checks them against the SCSI disks.</summary>
    private static void AssignScsiHostdevAddresses(List<XElement> hostdevs, List<XElement> disks, List<XElement> controllers, List<XElement> disksAddressedByName)
    {
        // A SCSI disk addressed from its name must not land where a host device's own address points; libvirt checks
        // that while addressing the disk, when only host devices with written addresses have one.
        foreach (XElement disk in disksAddressedByName)
        {
            if ((string?)disk.Element("target")?.Attribute("bus") == "scsi" && DriveAddress(disk) is { } drive
                && hostdevs.Exists(h => IsScsiHostdev(h) && DriveAddress(h) == drive))
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: using disk target name '{(string?)disk.Element("target")?.Attribute("dev")}' conflicts with SCSI host device address controller='{drive.Controller}' bus='0' target='0' unit='{drive.Unit}");
            }
        }

        foreach (XElement hostdev in hostdevs)
        {
            if (!IsScsiHostdev(hostdev))
            {
                continue;
            }

            if ((string?)hostdev.Element("source")?.Attribute("protocol") == "iscsi"
                && hostdev.Element("source")?.Attribute("name") is XAttribute iqn && !iqn.Value.Contains('/', StringComparison.Ordinal))
            {
                // An iSCSI source without a LUN means LUN 0, and libvirt writes it so.
                iqn.Value += "/0";
            }

            XElement? address = hostdev.Element("address");
            if (address is null)
            {
                int controller = 0;
                int unit;
                while ((unit = NextFreeScsiUnit(hostdevs, disks, controllers, controller)) < 0)
                {
                    controller++;
                }

                address = new XElement(
                    "address",
                    new XAttribute("type", "drive"),
                    new XAttribute("controller", controller.ToString(CultureInfo.InvariantCulture)),
                    new XAttribute("bus", "0"),
                    new XAttribute("target", "0"),
                    new XAttribute("unit", unit.ToString(CultureInfo.InvariantCulture)));
                hostdev.Add(address);
            }

            if (DriveAddress(hostdev) is { } drive && ScsiDiskAt(disks, drive))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: SCSI host address controller='{drive.Controller}' bus='{drive.Bus}' target='{drive.Target}' unit='{drive.Unit}' in use by a SCSI disk");
            }
        }

    }

    /// <summary>
    /// After the disks' implicit controllers, libvirt adds the ones the addressed host devices need, then validates
    /// the host devices.
    /// </summary>
    private static void FinishScsiHostdevs(List<XElement> hostdevs, List<XElement> controllers)
    {
        AddScsiHostdevControllers(hostdevs, controllers, h => DriveAddress(h)?.Controller ?? -1);
        foreach (XElement hostdev in hostdevs.Where(IsScsiHostdev))
        {
            if ((string?)hostdev.Element("address")?.Attribute("type") is string type && type != "drive")
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: SCSI host device must use 'drive' address type");
            }

            if ((string?)hostdev.Attribute("sgio") == "unfiltered")
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: unfiltered sgio is no longer supported");
            }
        }

        List<string> sources = [.. hostdevs.Where(IsScsiHostdev).Select(ScsiSourceKey)];
        if (sources.Count != sources.Distinct(StringComparer.Ordinal).Count())
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: Hostdev already exists in the domain configuration");
        }
    }

    private static void AddScsiHostdevControllers(List<XElement> hostdevs, List<XElement> controllers, Func<XElement, int> controllerOf)
    {
        int max = -1;
        string? model = null;
        foreach (XElement hostdev in hostdevs.Where(IsScsiHostdev))
        {
            int controller = controllerOf(hostdev);
            if (controller > max)
            {
                max = controller;
                if (ScsiController(controllers, controller) is XElement existing && (string?)existing.Attribute("model") is string existingModel)
                {
                    model = existingModel;
                }
            }
        }

        for (int i = 0; i <= max; i++)
        {
            if (ScsiController(controllers, i) is null)
            {
                var controller = new XElement("controller", new XAttribute("type", "scsi"), new XAttribute("index", i.ToString(CultureInfo.InvariantCulture)));
                if (model is not null)
                {
                    controller.Add(new XAttribute("model", model));
                }

                controllers.Add(controller);
            }
        }
    }

    private static int NextFreeScsiUnit(List<XElement> hostdevs, List<XElement> disks, List<XElement> controllers, int controller)
    {
        string? model = (string?)ScsiController(controllers, controller)?.Attribute("model");
        (int max, int reserved) = model switch
        {
            "virtio-scsi" or "virtio-transitional" or "virtio-non-transitional" => (16383, -1),
            "ibmvscsi" => (31, 7),
            "lsisas1068" => (1, -1),
            "lsisas1078" => (255, -1),
            "lsilogic" or "vmpvscsi" or "buslogic" => (-1, 7),
            "ncr53c90" or "am53c974" or "dc390" => (6, -1),
            _ => (-1, -1),
        };
        for (int unit = 0; unit < ScsiBusMaxUnit; unit++)
        {
            var drive = (Controller: controller, Bus: 0, Target: 0, Unit: unit);
            bool limited = model is not null && ((max != -1 && unit > max) || unit == reserved);
            if (!limited && !ScsiDiskAt(disks, drive) && !hostdevs.Exists(h => IsScsiHostdev(h) && DriveAddress(h) == drive))
            {
                return unit;
            }
        }

        return -1;
    }

    /// <summary>What makes two SCSI host devices the same one: adapter and address, or iSCSI host, port and target.</summary>
    private static string ScsiSourceKey(XElement hostdev)
    {
        XElement? source = hostdev.Element("source");
        if ((string?)source?.Attribute("protocol") == "iscsi")
        {
            XElement? host = source!.Element("host");
            return $"iscsi|{(string?)host?.Attribute("name")}|{(string?)host?.Attribute("port")}|{(string?)source.Attribute("name")}";
        }

        XElement? address = source?.Element("address");
        return $"host|{(string?)source?.Element("adapter")?.Attribute("name")}|{ParseOr((string?)address?.Attribute("bus"), 0)}|{ParseOr((string?)address?.Attribute("target"), 0)}|{ParseOr((string?)address?.Attribute("unit"), 0)}";
    }

    private static bool IsScsiHostdev(XElement device)
        => device.Name.LocalName == "hostdev" && (string?)device.Attribute("mode") is null or "subsystem" && (string?)device.Attribute("type") == "scsi";

    private static XElement? ScsiController(List<XElement> controllers, int index)
        => controllers.Find(c => (string?)c.Attribute("type") == "scsi" && IndexOf(c) == index);

    private static bool ScsiDiskAt(List<XElement> disks, (int Controller, int Bus, int Target, int Unit) drive)
        => disks.Exists(d => (string?)d.Element("target")?.Attribute("bus") == "scsi" && DriveAddress(d) == drive);

    /// <summary>A device's drive address, or null when it has none or another kind.</summary>
    private static (int Controller, int Bus, int Target, int Unit)? DriveAddress(XElement device)
    {
        XElement? address = device.Element("address");
        if ((string?)address?.Attribute("type") != "drive")
        {
            return null;
        }

        return (ParseOr((string?)address!.Attribute("controller"), 0), ParseOr((string?)address.Attribute("bus"), 0),
            ParseOr((string?)address.Attribute("target"), 0), ParseOr((string?)address.Attribute("unit"), 0));
    }
}
