using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// A USB controller of model 'none' disables USB for the guest: libvirt then refuses any other USB controller, USB
/// input devices and hubs while parsing, and redirected USB devices when it validates a guest without a USB
/// controller. The test driver adds no implicit USB controller, so a redirdev needs one written.
/// </summary>
internal static class DomainUsbChecks
{
    public static void CheckAtParse(IReadOnlyList<XElement> devices, bool hvm)
    {
        bool none = false;
        bool other = false;
        foreach (XElement controller in devices.Where(d => d.Name.LocalName == "controller" && (string?)d.Attribute("type") == "usb"))
        {
            bool isNone = (string?)controller.Attribute("model") == "none";
            if (none || (isNone && other))
            {
                throw new LibvirtErrorException(ErrorCode.XmlDetail, ErrorDomain.Domain, "Can't add another USB controller: USB is disabled for this domain");
            }

            none = isNone;
            other |= !isNone;
        }

        if (!none)
        {
            return;
        }

        // An input without a bus is a USB one on HVM guests unless it is a mouse or keyboard (PS/2) or evdev.
        if (devices.Any(d => d.Name.LocalName == "input" && ((string?)d.Attribute("bus") ?? (hvm && (string?)d.Attribute("type") is "tablet" ? "usb" : null)) == "usb"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: Can't add USB input device. USB bus is disabled");
        }

        if (devices.Any(d => d.Name.LocalName == "hub" && (string?)d.Attribute("type") == "usb"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: Can't add USB hub: USB is disabled for this domain");
        }
    }

    public static void CheckRedirdevs(IReadOnlyList<XElement> devices)
    {
        bool hasUsb = devices.Any(d => d.Name.LocalName == "controller" && (string?)d.Attribute("type") == "usb" && (string?)d.Attribute("model") != "none");
        if (!hasUsb && devices.Any(d => d.Name.LocalName == "redirdev" && (string?)d.Attribute("bus") is null or "usb"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: cannot add redirected USB device: USB is disabled for this domain");
        }
    }
}
