using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A &lt;portgroup&gt; as libvirt reads it in a network definition and in net-update: a name, default and
/// trustGuestRxFilters, then its virtualport (type optional here), bandwidth and vlan checked in that order and written
/// back as vlan, virtualport, bandwidth.
/// </summary>
internal static class NetworkPortGroupXml
{
    public static XElement Parse(XElement element)
    {
        string name = (string?)element.Attribute("name")
            ?? throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Network, "XML error: Missing required name attribute in portgroup");
        var portgroup = new XElement("portgroup", new XAttribute("name", name));
        if (string.Equals((string?)element.Attribute("default"), "yes", StringComparison.OrdinalIgnoreCase))
        {
            portgroup.Add(new XAttribute("default", "yes"));
        }

        if (TestXml.YesNo(element, "trustGuestRxFilters") is string trust)
        {
            portgroup.Add(new XAttribute("trustGuestRxFilters", trust));
        }

        XElement? virtualPort = element.Element("virtualport") is XElement vp ? NetworkVirtualPortXml.Parse(vp, requireType: false) : null;
        XElement? bandwidth = element.Element("bandwidth") is XElement b ? NetworkBandwidthXml.Parse(b) : null;
        XElement? vlan = element.Element("vlan") is XElement v ? NetworkVlanXml.Parse(v) : null;
        portgroup.Add(vlan, virtualPort, bandwidth);
        return portgroup;
    }
}
