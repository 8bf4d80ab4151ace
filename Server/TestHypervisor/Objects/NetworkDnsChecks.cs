using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// libvirt's checks of a network's &lt;dns&gt; element that the kept copy does not make by itself, and the clean-up
/// its network parser applies to &lt;metadata&gt;.
/// </summary>
internal static class NetworkDnsChecks
{
    /// <summary>Checks the yes/no attributes and refuses records in a dns element that is switched off.</summary>
    public static void Check(XElement? dns, string network)
    {
        if (dns is null)
        {
            return;
        }

        foreach (string attribute in (string[])["enable", "forwardPlainNames"])
        {
            if ((string?)dns.Attribute(attribute) is string value && value is not ("yes" or "no"))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute '{attribute}' in element 'dns': '{value}'.");
            }
        }

        if ((string?)dns.Attribute("enable") == "no"
            && (dns.Element("forwarder") ?? dns.Element("host") ?? dns.Element("srv") ?? dns.Element("txt")) is not null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Network, $"XML error: Extra data in disabled network '{network}'");
        }
    }

    /// <summary>
    /// A copy of the metadata element without children that have no namespace and without any later child in a
    /// namespace an earlier one already uses, as libvirt stores it.
    /// </summary>
    public static XElement? SanitizeMetadata(XElement? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        var copy = new XElement(metadata);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (XNode node in copy.Nodes().ToList())
        {
            if (node is not XElement child || child.Name.NamespaceName.Length == 0 || !seen.Add(child.Name.NamespaceName))
            {
                node.Remove();
            }
        }

        return copy;
    }
}
