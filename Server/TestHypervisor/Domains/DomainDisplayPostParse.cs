using System.Globalization;
using System.Numerics;
using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt's parse-time defaults for graphics and video devices as the test driver applies them: VNC and SPICE
/// ports as an inactive definition keeps them, an explicit listen element, the implicit video card of a guest with
/// graphics, and video memory, heads and the primary flag.
/// </summary>
internal static class DomainDisplayPostParse
{
    /// <summary>Rewrites the graphics and video elements of <paramref name="devices"/> in place (and may add a video).</summary>
    public static void Apply(List<XElement> devices, string osType)
    {
        foreach (XElement graphics in devices.Where(d => d.Name.LocalName == "graphics"))
        {
            switch ((string?)graphics.Attribute("type"))
            {
                case "vnc":
                    Vnc(graphics);
                    break;
                case "spice":
                    Spice(graphics);
                    break;
                case "rdp":
                    Rdp(graphics);
                    break;
            }
        }

        List<XElement> videos = [.. devices.Where(d => d.Name.LocalName == "video")];

        // libvirt's parser puts a card marked primary first.
        if (videos.FindLastIndex(v => (string?)v.Element("model")?.Attribute("primary") == "yes") is > 0 and int primaryAt)
        {
            XElement primary = videos[primaryAt];
            videos.RemoveAt(primaryAt);
            videos.Insert(0, primary);
            int first = devices.IndexOf(videos[1]);
            devices.Remove(primary);
            devices.Insert(first, primary);
        }

        if (videos.Count == 0 && devices.Any(d => d.Name.LocalName == "graphics"))
        {
            var video = new XElement("video");
            devices.Add(video);
            videos.Add(video);
        }

        for (int i = 0; i < videos.Count; i++)
        {
            Video(videos[i], osType, primary: i == 0);
        }
    }

    // Autoport makes an inactive definition forget the port; libvirt then writes port='-1' for VNC and nothing for
    // SPICE. A VNC display always states autoport.
    private static void Vnc(XElement graphics)
    {
        string? portText = (string?)graphics.Attribute("port");
        int port = 0;
        bool autoport = true;
        if (portText is not null)
        {
            port = int.Parse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture);
            autoport = port == -1;
            if (autoport)
            {
                port = 0;
            }
        }

        if ((string?)graphics.Attribute("autoport") is string auto)
        {
            autoport = auto == "yes";
            if (autoport)
            {
                port = 0;
            }
        }

        var leading = new List<XAttribute> { new("type", "vnc") };
        string? socket = (string?)graphics.Attribute("socket");
        if (socket is null)
        {
            if (port != 0)
            {
                leading.Add(new XAttribute("port", port.ToString(CultureInfo.InvariantCulture)));
            }
            else if (autoport)
            {
                leading.Add(new XAttribute("port", "-1"));
            }

            leading.Add(new XAttribute("autoport", autoport ? "yes" : "no"));
        }

        Rebuild(graphics, leading, ["type", "port", "autoport"]);
    }

    // RDP without a port, or with -1, picks one itself; an inactive definition then keeps port 0. autoport='no' cannot
    // turn that off, and the two user flags are written only when set.
    private static void Rdp(XElement graphics)
    {
        string? portText = (string?)graphics.Attribute("port");
        int port = 0;
        bool autoport = portText is null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out port))
            {
                throw new LibvirtErrorException(Protocol.ErrorCode.InternalError, Protocol.ErrorDomain.Domain, $"internal error: cannot parse rdp port {portText}");
            }

            autoport = port == -1;
        }

        autoport |= (string?)graphics.Attribute("autoport") == "yes";
        if (autoport)
        {
            port = 0;
        }

        var leading = new List<XAttribute> { new("type", "rdp") };
        if (port != 0 || autoport)
        {
            leading.Add(new XAttribute("port", port.ToString(CultureInfo.InvariantCulture)));
        }

        if (autoport)
        {
            leading.Add(new XAttribute("autoport", "yes"));
        }

        foreach (string flag in (string[])["replaceUser", "multiUser"])
        {
            if ((string?)graphics.Attribute(flag) == "yes")
            {
                leading.Add(new XAttribute(flag, "yes"));
            }
        }

        Rebuild(graphics, leading, ["type", "port", "autoport", "replaceUser", "multiUser"]);
    }

    private static void Spice(XElement graphics)
    {
        int port = ParseOr((string?)graphics.Attribute("port"), 0);
        int tlsPort = ParseOr((string?)graphics.Attribute("tlsPort"), 0);
        bool autoport = (string?)graphics.Attribute("autoport") == "yes" || (port == -1 && tlsPort == -1);
        if (autoport)
        {
            port = 0;
            tlsPort = 0;
        }

        var leading = new List<XAttribute> { new("type", "spice") };
        string? firstListen = (string?)graphics.Element("listen")?.Attribute("type");
        bool listenNone = firstListen == "none" || (port == 0 && tlsPort == 0 && !autoport && firstListen is null or "address");
        if (!listenNone)
        {
            if (port != 0)
            {
                leading.Add(new XAttribute("port", port.ToString(CultureInfo.InvariantCulture)));
            }

            if (tlsPort != 0)
            {
                leading.Add(new XAttribute("tlsPort", tlsPort.ToString(CultureInfo.InvariantCulture)));
            }

            leading.Add(new XAttribute("autoport", autoport ? "yes" : "no"));
        }

        if (listenNone && firstListen == "address")
        {
            // No ports and no autoport means SPICE listens nowhere, which libvirt states as a listen of type none.
            graphics.Element("listen")!.ReplaceAttributes(new XAttribute("type", "none"));
        }

        Rebuild(graphics, leading, ["type", "port", "tlsPort", "autoport"], listenNone && firstListen is null);
    }

    // Attributes: the computed ones, the legacy listen address, then the rest as given. Children: the listen elements
    // (one made from the legacy attributes when there were none), then the rest as given.
    private static void Rebuild(XElement graphics, List<XAttribute> leading, string[] replaced, bool listenNone = false)
    {
        List<XElement> listens = [.. graphics.Elements("listen")];
        if (listens.Count == 0)
        {
            string? address = (string?)graphics.Attribute("listen");
            string? socket = (string?)graphics.Attribute("socket");
            listens.Add(listenNone ? new XElement("listen", new XAttribute("type", "none"))
                : socket is not null && (string?)graphics.Attribute("type") == "vnc"
                    ? new XElement("listen", new XAttribute("type", "socket"), new XAttribute("socket", socket))
                    : string.IsNullOrEmpty(address) ? new XElement("listen", new XAttribute("type", "address"))
                    : new XElement("listen", new XAttribute("type", "address"), new XAttribute("address", address)));
        }

        string? first = (string?)listens[0].Attribute("type") == "address" ? (string?)listens[0].Attribute("address") : null;
        var attributes = new List<XAttribute>(leading);
        if ((string?)graphics.Attribute("socket") is string socketPath)
        {
            attributes.Insert(1, new XAttribute("socket", socketPath));
        }
        else if (!string.IsNullOrEmpty(first))
        {
            attributes.Add(new XAttribute("listen", first));
        }

        attributes.AddRange(graphics.Attributes()
            .Where(a => Array.IndexOf(replaced, a.Name.LocalName) < 0 && a.Name.LocalName is not ("listen" or "socket")
                && Array.IndexOf(DomainSecrets.DisplayAuthAttributes, a.Name.LocalName) < 0)
            .Select(a => new XAttribute(a)));
        // The password and its validity come after the display's own attributes, whatever order the input had.
        attributes.AddRange(DomainSecrets.DisplayAuthAttributes.Select(n => graphics.Attribute(n)).OfType<XAttribute>().Select(a => new XAttribute(a)));
        // libvirt reads only the children the display type has: a VNC display drops SPICE settings such as <image>
        // that virt-xml leaves behind when it switches a SPICE display to VNC.
        bool vnc = (string?)graphics.Attribute("type") == "vnc";
        var children = listens.Select(l => new XElement(l))
            .Concat(graphics.Elements().Where(e => e.Name.LocalName != "listen" && (!vnc || e.Name.LocalName == "audio")).Select(e => new XElement(e)))
            .ToList();
        graphics.RemoveAll();
        graphics.Add(attributes);
        graphics.Add(children);
    }

    // The test driver turns a video without a model into cirrus (xen for Xen and Linux guests); libvirt then fills in
    // video memory rounded up to a power of two, one head, and marks the first card primary.
    private static void Video(XElement video, string osType, bool primary)
    {
        XElement? model = video.Element("model");
        if (model is null)
        {
            model = new XElement("model");
            XElement? driver = video.Element("driver");
            if (driver is null)
            {
                video.AddFirst(model);
            }
            else
            {
                driver.AddAfterSelf(model);
            }
        }

        string type = (string?)model.Attribute("type") ?? (osType is "xen" or "linux" ? "xen" : "cirrus");
        if (type == "none")
        {
            model.ReplaceAttributes(new XAttribute("type", "none"));
            return;
        }

        uint defaultRam = type switch
        {
            "vga" or "cirrus" or "vmvga" or "bochs" => 16 * 1024,
            "xen" => 4 * 1024,
            "qxl" => 64 * 1024,
            _ => 0,
        };
        uint ram = ParseUnsigned((string?)model.Attribute("ram"));
        uint vram = ParseUnsigned((string?)model.Attribute("vram"));
        if (ram == 0 && type == "qxl")
        {
            ram = defaultRam;
        }

        if (vram == 0)
        {
            vram = defaultRam;
        }

        var attributes = new List<XAttribute> { new("type", type) };
        Add(attributes, "ram", RoundUp(ram));
        Add(attributes, "vram", RoundUp(vram));
        Add(attributes, "vram64", ParseUnsigned((string?)model.Attribute("vram64")));
        Add(attributes, "vgamem", ParseUnsigned((string?)model.Attribute("vgamem")));
        Add(attributes, "heads", model.Attribute("heads") is null ? 1 : ParseUnsigned((string?)model.Attribute("heads")));
        if (primary)
        {
            attributes.Add(new XAttribute("primary", "yes"));
        }

        attributes.AddRange(model.Attributes().Where(a => a.Name.LocalName is not ("type" or "ram" or "vram" or "vram64" or "vgamem" or "heads" or "primary")).Select(a => new XAttribute(a)));
        model.ReplaceAttributes(attributes);
    }

    private static void Add(List<XAttribute> attributes, string name, uint value)
    {
        if (value != 0)
        {
            attributes.Add(new XAttribute(name, value.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static uint RoundUp(uint value) => value == 0 ? 0 : BitOperations.RoundUpToPowerOf2(value);

    private static uint ParseUnsigned(string? text)
        => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) ? value : 0;

    private static int ParseOr(string? text, int fallback)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;
}
