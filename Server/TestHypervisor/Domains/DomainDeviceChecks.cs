using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Refusals of single devices libvirt makes while it reads them (a multicast NIC address, an unknown watchdog), and
/// the watchdog's default action, which libvirt always writes.
/// </summary>
internal static class DomainDeviceChecks
{
    public static void Check(XElement device)
    {
        switch (device.Name.LocalName)
        {
            case "interface":
                // The low bit of the first octet marks a group address, which no NIC can own.
                if ((string?)device.Element("mac")?.Attribute("address") is string mac && mac.Length >= 2
                    && int.TryParse(mac.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int first) && (first & 1) != 0)
                {
                    throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: expected unicast mac address, found multicast '{mac}'");
                }

                break;
            case "watchdog":
                string? model = (string?)device.Attribute("model");
                if (model is null)
                {
                    throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Domain, "internal error: watchdog must contain model name");
                }

                if (model is not ("i6300esb" or "ib700" or "diag288"))
                {
                    throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: unknown watchdog model '{model}'");
                }

                string action = (string?)device.Attribute("action") ?? "reset";
                if (action is not ("reset" or "shutdown" or "poweroff" or "pause" or "dump" or "none" or "inject-nmi"))
                {
                    throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: unknown watchdog action '{action}'");
                }

                device.ReplaceAttributes(
                    new XAttribute("model", model),
                    new XAttribute("action", action),
                    device.Attributes().Where(a => a.Name.LocalName is not ("model" or "action")).Select(a => new XAttribute(a)).ToList());

                break;
        }
    }

    /// <summary>Two controllers of one type (USB aside) may not claim the same index.</summary>
    public static void CheckDuplicateControllers(IEnumerable<XElement> controllers)
    {
        var seen = new HashSet<(string, int)>();
        foreach (XElement controller in controllers)
        {
            string type = (string?)controller.Attribute("type") ?? "";
            if (type != "usb" && int.TryParse((string?)controller.Attribute("index"), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && !seen.Add((type, index)))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: Multiple '{type}' controllers with index '{index}'");
            }
        }
    }
}
