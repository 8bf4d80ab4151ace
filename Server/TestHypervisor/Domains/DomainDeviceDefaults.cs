using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Smaller defaults libvirt's device parser fills in and writes back: a filesystem's type (mount) and access mode
/// (passthrough unless it is a vhost-user socket), the start port of ICH9 UHCI companion controllers, and the
/// protocol of character devices, which libvirt writes for TCP sources only (raw when none was given), the order of
/// a character device's children and sources, a disk's device information last, the ports of displays that listen
/// on a socket or nowhere, an ivshmem device's model and size, a random-number backend's device (/dev/random), and the spelling of known network card models.
/// </summary>
internal static class DomainDeviceDefaults
{
    private static readonly string[] NetModels =
    [
        "netfront", "rtl8139", "virtio", "e1000", "e1000e", "virtio-transitional", "virtio-non-transitional", "usb-net",
        "spapr-vlan", "lan9118", "scm91c111", "vlance", "vmxnet", "vmxnet2", "vmxnet3", "Am79C970A", "Am79C973",
        "82540EM", "82545EM", "82543GC",
    ];

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
                case "serial" or "parallel" or "console" or "channel":
                    ChrProtocol(device);
                    ChrChildren(device);
                    break;
                case "redirdev" or "smartcard":
                    ChrProtocol(device);
                    break;
                case "graphics":
                    GraphicsPorts(device);
                    break;
                case "disk":
                    DeviceInfoLast(device);
                    break;
                case "shmem":
                    Shmem(device);
                    break;
                case "interface" when device.Element("model")?.Attribute("type") is XAttribute model:
                    // libvirt matches the models it knows without regard to case and writes its own spelling.
                    if (Array.Find(NetModels, m => string.Equals(m, model.Value, StringComparison.OrdinalIgnoreCase)) is string known)
                    {
                        model.Value = known;
                    }

                    break;
                case "rng" when device.Element("backend") is XElement random && (string?)random.Attribute("model") == "random":
                    if (random.Value.Length == 0)
                    {
                        random.Value = "/dev/random";
                    }

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

    // libvirt writes a character device's source, protocol and log before its target; a console's target is only
    // ever type and port (a console copied from a serial port does not take the serial's target model).
    private static void ChrChildren(XElement chr)
    {
        if (chr.Name.LocalName == "console")
        {
            chr.Element("target")?.RemoveNodes();
        }

        XElement[] children = [.. chr.Elements()];
        XElement[] sorted = [.. children.OrderBy(e => e.Name.LocalName switch
        {
            "source" => 0,
            "protocol" => 1,
            "log" => 2,
            "target" => 3,
            _ => 4,
        })];
        if (!sorted.SequenceEqual(children))
        {
            chr.Elements().Remove();
            chr.Add(sorted);
        }
    }

    // Ports and autoport belong to a display that listens on an address or network; libvirt leaves them out for
    // one whose first listen is a socket or none.
    private static void GraphicsPorts(XElement graphics)
    {
        if ((string?)graphics.Attribute("type") is not ("vnc" or "spice")
            || (string?)graphics.Element("listen")?.Attribute("type") is not ("socket" or "none"))
        {
            return;
        }

        graphics.Attributes().Where(a => a.Name.LocalName is "port" or "tlsPort" or "autoport").Remove();

        // A VNC display states the socket of its first listen as its own socket attribute, right after its type.
        if ((string?)graphics.Attribute("type") == "vnc" && (string?)graphics.Element("listen")!.Attribute("socket") is string socket)
        {
            XAttribute[] rest = [.. graphics.Attributes().Where(a => a.Name.LocalName is not ("type" or "socket")).Select(a => new XAttribute(a))];
            graphics.ReplaceAttributes(new XAttribute("type", "vnc"), new XAttribute("socket", socket), rest);
        }
    }

    // An ivshmem device's model defaults to plain ivshmem, and libvirt keeps its size in bytes and writes it in whole
    // MiB.
    private static void Shmem(XElement shmem)
    {
        if (shmem.Element("model") is null)
        {
            shmem.AddFirst(new XElement("model", new XAttribute("type", "ivshmem")));
        }

        if (shmem.Element("size") is XElement size
            && ulong.TryParse(size.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            && SizeUnits.TryGetScale((string?)size.Attribute("unit"), 1, out ulong factor)
            && value <= ulong.MaxValue / factor)
        {
            size.ReplaceWith(new XElement("size", new XAttribute("unit", "M"), ((value * factor) >> 20).ToString(CultureInfo.InvariantCulture)));
        }
    }

    // A disk's boot order, alias and address are libvirt's device information, which it writes after everything else.
    private static void DeviceInfoLast(XElement disk)
    {
        XElement[] info = [.. disk.Elements().Where(e => e.Name.LocalName is "boot" or "alias" or "address")
            .OrderBy(e => e.Name.LocalName switch { "boot" => 0, "alias" => 1, _ => 2 })];
        if (info.Length == 0 || disk.Elements().TakeLast(info.Length).SequenceEqual(info))
        {
            return;
        }

        foreach (XElement element in info)
        {
            element.Remove();
        }

        disk.Add(info);
    }

    // libvirt writes a TCP or Unix socket source with its mode (connect unless bind was asked for) first, and a UDP
    // device's bind source before its connect source.
    private static void ChrSource(XElement chr)
    {
        string? type = (string?)chr.Attribute("type");
        if (type is "tcp" or "unix")
        {
            if (chr.Element("source") is not XElement source || (type == "unix" && source.Attribute("path") is null))
            {
                return;
            }

            string mode = (string?)source.Attribute("mode") == "bind" ? "bind" : "connect";
            string[] order = type == "tcp" ? ["host", "service", "tls"] : ["path"];
            XAttribute[] known = [.. order.Select(n => source.Attribute(n)).OfType<XAttribute>().Select(a => new XAttribute(a))];
            XAttribute[] rest = [.. source.Attributes().Where(a => a.Name.LocalName != "mode" && !order.Contains(a.Name.LocalName)).Select(a => new XAttribute(a))];
            source.ReplaceAttributes(new XAttribute("mode", mode), known, rest);
        }
        else if (type == "udp")
        {
            List<XElement> sources = [.. chr.Elements("source")];
            if (sources.Count == 0)
            {
                return;
            }

            XElement? connect = sources.Find(s => (string?)s.Attribute("mode") is null or "connect");
            XElement? bind = sources.Find(s => (string?)s.Attribute("mode") == "bind");
            var rebuilt = new List<XElement>();
            foreach ((XElement? side, string mode) in (ReadOnlySpan<(XElement?, string)>)[(bind, "bind"), (connect, "connect")])
            {
                if (side is not null && (side.Attribute("host") is not null || side.Attribute("service") is not null))
                {
                    rebuilt.Add(new XElement("source", new XAttribute("mode", mode), side.Attribute("host") is { } host ? new XAttribute(host) : null, side.Attribute("service") is { } service ? new XAttribute(service) : null));
                }
            }

            sources[0].AddBeforeSelf(rebuilt);
            foreach (XElement source in sources)
            {
                source.Remove();
            }
        }
    }

    private static void ChrProtocol(XElement chr)
    {
        ChrSource(chr);
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
