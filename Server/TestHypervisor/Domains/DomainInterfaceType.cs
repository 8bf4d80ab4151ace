using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>The kinds of &lt;interface&gt; libvirt knows; any other is refused while the definition is read.</summary>
internal static class DomainInterfaceType
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "user", "ethernet", "vhostuser", "server", "client", "mcast", "network", "bridge", "internal", "direct",
        "hostdev", "udp", "vdpa", "null", "vds",
    };

    public static void Check(XElement device)
    {
        if (device.Name.LocalName == "interface" && (string?)device.Attribute("type") is string type && !Known.Contains(type))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'type' in element 'interface': '{type}'.");
        }

        // A hostdev interface names the kind of host device by its source address's type.
        if (device.Name.LocalName == "interface" && (string?)device.Attribute("type") == "hostdev")
        {
            string? kind = (string?)device.Element("source")?.Element("address")?.Attribute("type");
            if (string.IsNullOrEmpty(kind))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: missing source address type");
            }

            if (kind is not ("usb" or "pci" or "scsi" or "scsi_host" or "mdev"))
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: unknown host device source address type '{kind}'");
            }
        }
    }
}
