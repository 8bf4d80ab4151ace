using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

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
                if ((string?)device.Element("mac")?.Attribute("address") is string mac
                    && NetworkXmlChecks.TryParseMac(mac, out byte[] bytes) && (bytes[0] & 1) != 0)
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
}
