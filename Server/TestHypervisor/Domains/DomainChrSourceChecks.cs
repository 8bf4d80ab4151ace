using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt's checks of a character device's &lt;source&gt; elements, for serial, parallel, console and channel
/// devices and the character device backends of redirdev, passthrough smartcard and EGD rng devices: first the
/// parser's limit on how many sources there may be (for every device), then the validator's required attributes.
/// </summary>
internal static class DomainChrSourceChecks
{
    /// <summary>Throws libvirt's error for the first character device source it would refuse.</summary>
    public static void Check(IReadOnlyList<XElement> devices)
    {
        List<(XElement Element, string Type, XElement Device)> sources = [.. devices.Select(Backend).OfType<(XElement, string, XElement)>()];
        foreach ((XElement element, string type, _) in sources)
        {
            int count = element.Elements("source").Count();
            if (count > 1 && type != "udp")
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: only one source element is allowed for character device");
            }

            if (count > 2)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: only two source elements are allowed for character device");
            }
        }

        foreach ((XElement element, string type, XElement device) in sources)
        {
            XElement? source = element.Element("source");
            switch (type)
            {
                case "file" or "dev" or "pipe" when source?.Attribute("path") is null:
                    throw Missing("path");
                case "tcp":
                    if (source?.Attribute("host") is null)
                    {
                        throw Missing("host");
                    }

                    if (source.Attribute("service") is null)
                    {
                        throw Missing("service");
                    }

                    CheckReconnect(source);
                    break;
                case "udp":
                    // The first source without mode='bind' is the connect side, which must name its service.
                    XElement? connect = element.Elements("source").FirstOrDefault(s => (string?)s.Attribute("mode") is null or "connect");
                    if (connect?.Attribute("service") is null)
                    {
                        throw Missing("service");
                    }

                    break;
                case "unix":
                    bool generated = device.Name.LocalName == "channel" && (string?)device.Element("target")?.Attribute("type") is "virtio" or "xen";
                    if (source?.Attribute("path") is null && !generated)
                    {
                        throw Missing("path");
                    }

                    if (source is not null)
                    {
                        CheckReconnect(source);
                    }

                    break;
            }
        }
    }

    private static (XElement Element, string Type, XElement Device)? Backend(XElement device) => device.Name.LocalName switch
    {
        "serial" or "parallel" or "console" or "channel" => (device, (string?)device.Attribute("type") ?? "pty", device),
        "redirdev" => (device, (string?)device.Attribute("type") ?? string.Empty, device),
        "smartcard" when (string?)device.Attribute("mode") == "passthrough" => (device, (string?)device.Attribute("type") ?? string.Empty, device),
        "rng" when device.Element("backend") is XElement backend && (string?)backend.Attribute("model") == "egd"
            => (backend, (string?)backend.Attribute("type") ?? string.Empty, device),
        _ => null,
    };

    private static void CheckReconnect(XElement source)
    {
        if ((string?)source.Attribute("mode") == "bind" && (string?)source.Element("reconnect")?.Attribute("enabled") == "yes")
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Domain, "internal error: chardev reconnect is possible only for connect mode");
        }
    }

    private static LibvirtErrorException Missing(string attribute) =>
        new(ErrorCode.InternalError, ErrorDomain.Domain, $"internal error: Missing source {attribute} attribute for char device");
}
