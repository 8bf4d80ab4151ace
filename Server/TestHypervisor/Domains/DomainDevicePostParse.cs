using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// What libvirt's domain parser fills in after reading a definition, for the devices tools such as virt-install
/// write: device order, controller indexes and implicit controllers, drive addresses, the serial/console pairing of
/// HVM guests and character device ports. Graphics and video defaults are in <see cref="DomainDisplayPostParse"/>.
/// Clients compare the XML they get back with what they sent, so these defaults must be the ones libvirt adds.
/// </summary>
internal static partial class DomainDevicePostParse
{
    // libvirt keeps devices in per-type arrays and writes the arrays in this order.
    private static readonly string[] DeviceOrder =
    [
        "emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial", "parallel",
        "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video", "hostdev", "redirdev",
        "redirfilter", "hub", "watchdog", "memballoon", "rng", "nvram", "panic", "shmem", "memory", "iommu", "vsock",
    ];

    // Disk buses whose disks get a drive address, and the controller each one needs, in the order libvirt adds them.
    private static readonly (string Bus, string Controller)[] DriveBuses = [("scsi", "scsi"), ("fdc", "fdc"), ("ide", "ide"), ("sata", "sata")];

    private static readonly string[] Usb2Models = ["ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3"];

    /// <summary>Returns the devices as libvirt's parser leaves them; throws libvirt's errors for what it rejects.</summary>
    public static List<XElement> Apply(IEnumerable<XElement> parsed, bool hvm)
    {
        // libvirt reads the device kinds it knows and passes over any other element (crypto came after 9.0).
        var devices = parsed.Where(d => d.Name.Namespace == XNamespace.None && Array.IndexOf(DeviceOrder, d.Name.LocalName) >= 0).ToList();
        foreach (XElement device in devices)
        {
            DomainScsiPassthrough.CheckWhileParsing(device);
            DomainInterfaceType.Check(device);
            DomainDeviceChecks.Check(device);
            if (device.Name.LocalName == "disk")
            {
                DiskNetworkHosts.CheckWhileParsing(device);
            }
        }

        var controllers = new List<XElement>();
        foreach (XElement controller in devices.Where(d => d.Name.LocalName == "controller"))
        {
            InsertController(controllers, controller);
        }

        List<XElement> hostdevs = [.. devices.Where(d => d.Name.LocalName == "hostdev")];
        AddScsiHostdevControllersAtParse(hostdevs, controllers);
        AssignControllerIndexes(controllers);
        DomainControllerChecks.CheckDuplicates(controllers);
        foreach (XElement nic in devices.Where(d => d.Name.LocalName == "interface"))
        {
            DomainInterfacePostParse.Apply(nic);
        }

        var disks = new List<XElement>();
        foreach (XElement disk in devices.Where(d => d.Name.LocalName == "disk"))
        {
            InsertDisk(disks, disk);
        }

        List<XElement> disksAddressedByName = disks.FindAll(d => d.Element("address") is null);
        foreach (XElement disk in disks)
        {
            DiskPostParse(disk);
            DiskNetworkHosts.Normalise(disk);
        }

        foreach (XElement disk in disks)
        {
            DomainScsiPassthrough.ValidateDisk(disk);
        }

        List<XElement> serials = [.. devices.Where(d => d.Name.LocalName == "serial")];
        List<XElement> parallels = [.. devices.Where(d => d.Name.LocalName == "parallel")];
        List<XElement> consoles = [.. devices.Where(d => d.Name.LocalName == "console")];
        List<XElement> channels = [.. devices.Where(d => d.Name.LocalName == "channel")];
        foreach (XElement chr in serials.Concat(parallels).Concat(consoles).Concat(channels))
        {
            // A Unix socket character device without a path has nothing libvirt would write as its source.
            if ((string?)chr.Attribute("type") == "unix")
            {
                chr.Elements("source").Where(s => s.Attribute("path") is null).Remove();
            }
        }

        AssignPorts(serials);
        AssignPorts(parallels);
        foreach (XElement console in consoles)
        {
            if (TargetType(console) is null)
            {
                SetTarget(console, "serial", PortOf(console));
            }
        }

        // A console's port is its place among the consoles, whatever port the XML gave.
        for (int i = 0; i < consoles.Count; i++)
        {
            SetTarget(consoles[i], TargetType(consoles[i]), i);
        }

        if (hvm)
        {
            ConsoleCompat(serials, consoles);
        }

        AssignScsiHostdevAddresses(hostdevs, disks, controllers, disksAddressedByName);
        AddImplicitControllers(controllers, disks, channels, consoles);
        AddSmartcardControllers(controllers, devices.Where(d => d.Name.LocalName == "smartcard").ToList());
        FinishScsiHostdevs(hostdevs, controllers);
        var others = devices.Where(d => d.Name.LocalName is not ("disk" or "controller" or "serial" or "console")).ToList();
        others.AddRange(disks);
        others.AddRange(controllers);
        others.AddRange(serials);
        others.AddRange(consoles);
        return [.. others.Select((d, i) => (Device: d, Index: i))
            .OrderBy(x => Rank(x.Device.Name.LocalName)).ThenBy(x => x.Index).Select(x => x.Device)];
    }

    private static int Rank(string name)
    {
        int index = Array.IndexOf(DeviceOrder, name);
        return index < 0 ? DeviceOrder.Length : index;
    }

    // libvirt keeps disks of one bus (as written, before defaults) in drive-name order: a disk goes before the first
    // later disk of its bus with a higher index, else after the last disk of its bus, else at the end.
    private static void InsertDisk(List<XElement> disks, XElement disk)
    {
        string? bus = (string?)disk.Element("target")?.Attribute("bus");
        string? dev = (string?)disk.Element("target")?.Attribute("dev");
        int insertAt = -1;
        for (int i = disks.Count - 1; i >= 0; i--)
        {
            XElement current = disks[i];
            if ((string?)current.Element("target")?.Attribute("bus") != bus)
            {
                continue;
            }

            string? currentDev = (string?)current.Element("target")?.Attribute("dev");
            if (currentDev is not null && dev is not null && DiskNameToIndex(currentDev) > DiskNameToIndex(dev))
            {
                insertAt = i;
            }
            else if (insertAt == -1)
            {
                insertAt = i + 1;
            }
        }

        disks.Insert(insertAt < 0 ? disks.Count : insertAt, disk);
    }

    // libvirt's list insertion for parsed controllers: after the last one of the same type unless an index or a
    // USB master says it belongs before one.
    private static void InsertController(List<XElement> controllers, XElement controller)
    {
        string type = (string?)controller.Attribute("type") ?? "ide";
        int index = IndexOf(controller);
        bool master = controller.Element("master") is null;
        int insertAt = -1;
        for (int i = controllers.Count - 1; i >= 0; i--)
        {
            XElement current = controllers[i];
            if (((string?)current.Attribute("type") ?? "ide") != type)
            {
                continue;
            }

            if (index == -1)
            {
                insertAt = i + 1;
                break;
            }

            int currentIndex = IndexOf(current);
            if (currentIndex > index)
            {
                insertAt = i;
            }
            else if (master && current.Element("master") is not null && currentIndex == index)
            {
                insertAt = i;
            }
            else if (insertAt == -1)
            {
                insertAt = i + 1;
            }
        }

        controllers.Insert(insertAt < 0 ? controllers.Count : insertAt, controller);
    }

    // Controllers without an index get the lowest free one of their type; a USB2 companion following another USB2
    // controller shares its index when that model is not yet at that index.
    private static void AssignControllerIndexes(List<XElement> controllers)
    {
        for (int outer = 0; outer < controllers.Count; outer++)
        {
            XElement controller = controllers[outer];
            if (IndexOf(controller) != -1)
            {
                continue;
            }

            string type = (string?)controller.Attribute("type") ?? "ide";
            XElement? previous = null;
            if (outer > 0 && IsUsb2(controller))
            {
                previous = controllers.Take(outer).LastOrDefault(c => (string?)c.Attribute("type") == "usb");
                if (previous is not null && !IsUsb2(previous))
                {
                    previous = null;
                }

                if (previous is not null && controllers.Any(c => (string?)c.Attribute("type") == "usb"
                    && IndexOf(c) == IndexOf(previous) && (string?)c.Attribute("model") == (string?)controller.Attribute("model")))
                {
                    previous = null;
                }
            }

            SetIndex(controller, previous is not null ? IndexOf(previous) : UnusedIndex(controllers, type));
        }
    }

    private static void AddImplicitControllers(List<XElement> controllers, List<XElement> disks, List<XElement> channels, List<XElement> consoles)
    {
        foreach ((string bus, string type) in DriveBuses)
        {
            int max = -1;
            foreach (XElement disk in disks)
            {
                if ((string?)disk.Element("target")?.Attribute("bus") == bus && disk.Element("address") is XElement address
                    && (string?)address.Attribute("type") == "drive")
                {
                    max = Math.Max(max, ParseOr((string?)address.Attribute("controller"), 0));
                }
            }

            for (int i = 0; i <= max; i++)
            {
                MaybeAddController(controllers, type, i);
            }
        }

        foreach (XElement chr in channels.Concat(consoles))
        {
            if (TargetType(chr) == "virtio")
            {
                XElement? address = chr.Element("address");
                int index = (string?)address?.Attribute("type") == "virtio-serial" ? ParseOr((string?)address!.Attribute("controller"), 0) : 0;
                MaybeAddController(controllers, "virtio-serial", index);
            }
        }
    }

    // A smartcard without an address takes the next free slot of CCID controller 0; each smartcard's controller is
    // added when missing, after the virtio-serial ones.
    private static void AddSmartcardControllers(List<XElement> controllers, List<XElement> smartcards)
    {
        foreach (XElement smartcard in smartcards)
        {
            int index = 0;
            XElement? address = smartcard.Element("address");
            if ((string?)address?.Attribute("type") == "ccid")
            {
                index = ParseOr((string?)address!.Attribute("controller"), 0);
            }
            else if (address is null)
            {
                int max = -1;
                foreach (XElement other in smartcards)
                {
                    if (other.Element("address") is XElement a && (string?)a.Attribute("type") == "ccid" && ParseOr((string?)a.Attribute("controller"), 0) == 0)
                    {
                        max = Math.Max(max, ParseOr((string?)a.Attribute("slot"), 0));
                    }
                }

                smartcard.Add(new XElement("address", new XAttribute("type", "ccid"), new XAttribute("controller", "0"), new XAttribute("slot", (max + 1).ToString(CultureInfo.InvariantCulture))));
            }

            MaybeAddController(controllers, "ccid", index);
        }
    }

    // An NVMe controller is detached from the host unless the definition says otherwise; a vhost-user disk cannot be
    // snapshotted, so unless told otherwise it is left out of snapshots.
    private static void SourceKindDefaults(XElement disk)
    {
        // libvirt writes these disk attributes in its own order, whatever the input's.
        string[] order = ["type", "device", "model", "rawio", "sgio", "snapshot"];
        disk.ReplaceAttributes([.. disk.Attributes().Select(a => new XAttribute(a)).OrderBy(a => Array.IndexOf(order, a.Name.LocalName) is int i && i >= 0 ? i : order.Length)]);

        string? type = (string?)disk.Attribute("type");
        if (type == "nvme" && disk.Element("source") is XElement source && source.Attribute("managed") is null)
        {
            InsertAttributeAfter(source, new XAttribute("managed", "yes"), "type");
        }

        // libvirt writes the backing chain right after the source it backs, before the target.
        if (disk.Element("backingStore") is XElement backing && disk.Element("source") is XElement diskSource
            && backing.ElementsBeforeSelf().LastOrDefault() != diskSource)
        {
            backing.Remove();
            diskSource.AddAfterSelf(backing);
        }

        if (type == "vhostuser" && disk.Attribute("snapshot") is null)
        {
            InsertAttributeAfter(disk, new XAttribute("snapshot", "no"), "type", "device", "model", "rawio", "sgio");
        }
    }

    private static void InsertAttributeAfter(XElement element, XAttribute attribute, params string[] before)
    {
        var attributes = element.Attributes().Select(a => new XAttribute(a)).ToList();
        attributes.Insert(attributes.FindLastIndex(a => before.Contains(a.Name.LocalName)) + 1, attribute);
        element.ReplaceAttributes(attributes);
    }

    private static void MaybeAddController(List<XElement> controllers, string type, int index)
    {
        if (!controllers.Any(c => (string?)c.Attribute("type") == type && IndexOf(c) == index))
        {
            controllers.Add(new XElement("controller", new XAttribute("type", type), new XAttribute("index", index.ToString(CultureInfo.InvariantCulture))));
        }
    }

    private static void DiskPostParse(XElement disk)
    {
        SourceKindDefaults(disk);
        XElement? target = disk.Element("target");
        string? dev = (string?)target?.Attribute("dev");
        string device = (string?)disk.Attribute("device") ?? "disk";
        if (disk.Attribute("device") is null)
        {
            // The device kind is always written, right after the disk type.
            var attributes = disk.Attributes().Select(a => new XAttribute(a)).ToList();
            attributes.Insert(attributes.FindIndex(a => a.Name.LocalName == "type") + 1, new XAttribute("device", "disk"));
            disk.ReplaceAttributes(attributes);
        }

        if (target is not null && target.Attribute("bus") is null)
        {
            string bus = device == "floppy" ? "fdc"
                : dev is null ? "ide"
                : dev.StartsWith("hd", StringComparison.Ordinal) ? "ide"
                : dev.StartsWith("sd", StringComparison.Ordinal) ? "scsi"
                : dev.StartsWith("vd", StringComparison.Ordinal) ? "virtio"
                : dev.StartsWith("xvd", StringComparison.Ordinal) ? "xen"
                : dev.StartsWith("ubd", StringComparison.Ordinal) ? "uml"
                : "ide";
            target.SetAttributeValue("bus", bus);
        }

        if (device == "cdrom" && disk.Element("readonly") is null)
        {
            // libvirt forces CD-ROMs read-only, and says so where its disk formatter writes the flag.
            XElement? after = disk.Elements().LastOrDefault(e => e.Name.LocalName is "target" or "geometry" or "blockio" or "iotune");
            if (after is null)
            {
                disk.Add(new XElement("readonly"));
            }
            else
            {
                after.AddAfterSelf(new XElement("readonly"));
            }
        }

        if (dev is null || disk.Element("address") is not null)
        {
            return;
        }

        int index = DiskNameToIndex(dev);
        if (index < 0)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: Unknown disk name '{dev}' and no address specified");
        }

        (int Controller, int Bus, int Unit)? drive = (string?)target!.Attribute("bus") switch
        {
            "scsi" => (index / 7, 0, index % 7),
            "ide" => (index / 4, index % 4 / 2, index % 2),
            "sata" => (index / 6, 0, index % 6),
            "fdc" => (index / 2, 0, index % 2),
            _ => null,
        };
        if (drive is { } d)
        {
            disk.Add(new XElement(
                "address",
                new XAttribute("type", "drive"),
                new XAttribute("controller", d.Controller.ToString(CultureInfo.InvariantCulture)),
                new XAttribute("bus", d.Bus.ToString(CultureInfo.InvariantCulture)),
                new XAttribute("target", "0"),
                new XAttribute("unit", d.Unit.ToString(CultureInfo.InvariantCulture))));
        }
    }

    // "hda" is 0, "hdz" 25, "hdaa" 26; a trailing partition number is allowed, anything else is not a disk name.
    private static int DiskNameToIndex(string name)
    {
        string[] prefixes = ["fd", "hd", "vd", "sd", "xvd", "ubd"];
        string? prefix = prefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal));
        if (prefix is null)
        {
            return -1;
        }

        int index = 0;
        int position = prefix.Length;
        for (int i = 0; position < name.Length && char.IsAsciiLetterLower(name[position]); i++, position++)
        {
            index = ((index + (i < 1 ? 0 : 1)) * 26) + (name[position] - 'a');
            if (index < 0)
            {
                return -1;
            }
        }

        if (position == prefix.Length)
        {
            return -1;
        }

        return name[position..].All(char.IsAsciiDigit) ? index : -1;
    }

    private static void AssignPorts(List<XElement> chrs)
    {
        foreach (XElement chr in chrs)
        {
            if (PortOf(chr) == -1)
            {
                int max = chrs.Select(PortOf).DefaultIfEmpty(-1).Max();
                SetTarget(chr, TargetType(chr), max + 1);
            }
        }
    }

    // An HVM guest's first console stands for its first serial port: libvirt makes the serial port from the console
    // when there is none, and writes console 0 as a copy of serial 0 whose target says so.
    private static void ConsoleCompat(List<XElement> serials, List<XElement> consoles)
    {
        if (consoles.Skip(1).Any(c => TargetType(c) == "serial"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: Only the first console can be a serial port");
        }

        if (consoles.Count > 0 && TargetType(consoles[0]) is null or "serial")
        {
            if (serials.Count == 0)
            {
                var serial = new XElement(consoles[0]) { Name = "serial" };
                SetTarget(serial, null, 0);
                serials.Add(serial);
            }
        }
        else if (serials.Count > 0 && TargetType(serials[0]) is null or "isa-serial" or "spapr-vio-serial" or "system-serial" or "sclp-serial")
        {
            consoles.Insert(0, new XElement("console"));
        }
        else
        {
            return;
        }

        var alias = new XElement(serials[0]) { Name = "console" };
        SetTarget(alias, "serial", PortOf(serials[0]));
        consoles[0] = alias;
    }

    private static string? TargetType(XElement chr) => (string?)chr.Element("target")?.Attribute("type");

    private static int PortOf(XElement chr) => ParseOr((string?)chr.Element("target")?.Attribute("port"), -1);

    // A character device's target as libvirt writes it: type (when there is one), then port, then the rest.
    private static void SetTarget(XElement chr, string? type, int port)
    {
        XElement? target = chr.Element("target");
        var attributes = new List<XAttribute>();
        if (type is not null)
        {
            attributes.Add(new XAttribute("type", type));
        }

        attributes.Add(new XAttribute("port", port.ToString(CultureInfo.InvariantCulture)));
        if (target is null)
        {
            target = new XElement("target", attributes);
            XElement? after = chr.Elements().LastOrDefault(e => e.Name.LocalName is "source" or "protocol" or "log");
            if (after is null)
            {
                chr.AddFirst(target);
            }
            else
            {
                after.AddAfterSelf(target);
            }

            return;
        }

        attributes.AddRange(target.Attributes().Where(a => a.Name.LocalName is not ("type" or "port")).Select(a => new XAttribute(a)));
        target.ReplaceAttributes(attributes);
    }

    private static bool IsUsb2(XElement controller)
        => (string?)controller.Attribute("type") == "usb" && Array.IndexOf(Usb2Models, (string?)controller.Attribute("model")) >= 0;

    private static int IndexOf(XElement controller) => ParseOr((string?)controller.Attribute("index"), -1);

    private static int UnusedIndex(List<XElement> controllers, string type)
    {
        int index = 0;
        while (controllers.Any(c => ((string?)c.Attribute("type") ?? "ide") == type && IndexOf(c) == index))
        {
            index++;
        }

        return index;
    }

    // The index goes right after the type, where libvirt writes it.
    private static void SetIndex(XElement controller, int index)
    {
        var attributes = controller.Attributes().Where(a => a.Name.LocalName != "index").Select(a => new XAttribute(a)).ToList();
        int at = attributes.FindIndex(a => a.Name.LocalName == "type") + 1;
        attributes.Insert(at, new XAttribute("index", index.ToString(CultureInfo.InvariantCulture)));
        controller.ReplaceAttributes(attributes);
    }

    private static int ParseOr(string? text, int fallback)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;
}
