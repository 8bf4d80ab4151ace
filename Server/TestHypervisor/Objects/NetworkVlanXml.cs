using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A network's or port group's &lt;vlan&gt; as libvirt reads it: at least one tag, ids up to 4095, one native mode at
/// most, and trunk='yes' written whenever there is more than one tag.
/// </summary>
internal static class NetworkVlanXml
{
    public static XElement Parse(XElement vlan)
    {
        List<XElement> tags = [.. vlan.Elements("tag")];
        if (tags.Count == 0)
        {
            throw Xml("missing tag id - each <vlan> must have at least one <tag id='n'/> subelement");
        }

        var written = new List<XElement>();
        string? nativeMode = null;
        foreach (XElement tag in tags)
        {
            string id = (string?)tag.Attribute("id") ?? throw XmlProp("Missing required attribute 'id' in element 'tag'");
            if (!CNumber.TryParseDecimal(id, out ulong value) || value > uint.MaxValue)
            {
                throw XmlProp($"Invalid value for attribute 'id' in element 'tag': '{id}'. Expected non-negative integer value");
            }

            if (value > 4095)
            {
                throw Xml($"vlan tag id {value} too large (maximum 4095)");
            }

            var element = new XElement("tag", new XAttribute("id", value.ToString(CultureInfo.InvariantCulture)));
            if ((string?)tag.Attribute("nativeMode") is string mode)
            {
                if (mode is not ("tagged" or "untagged"))
                {
                    throw XmlProp($"Invalid value for attribute 'nativeMode' in element 'tag': '{mode}'.");
                }

                if (nativeMode is not null)
                {
                    throw Xml("duplicate native vlan setting");
                }

                nativeMode = mode;
                element.Add(new XAttribute("nativeMode", mode));
            }

            written.Add(element);
        }

        bool trunk = tags.Count > 1;
        if ((string?)vlan.Attribute("trunk") is string trunkText)
        {
            trunk = string.Equals(trunkText, "yes", StringComparison.OrdinalIgnoreCase);
            if (!trunk)
            {
                if (tags.Count > 1)
                {
                    throw Xml($"invalid \"trunk='{trunkText}'\" in <vlan> - trunk='yes' is required for more than one vlan tag");
                }

                if (nativeMode is not null)
                {
                    throw Xml("invalid configuration in <vlan> - \"trunk='no'\" is not allowed with a native vlan id");
                }

                if (!string.Equals(trunkText, "no", StringComparison.OrdinalIgnoreCase))
                {
                    throw Xml($"invalid \"trunk='{trunkText}'\" in <vlan> - must be yes or no");
                }
            }
        }

        return new XElement("vlan", trunk ? new XAttribute("trunk", "yes") : null, written);
    }

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.None, "XML error: " + message);

    // libvirt's generic attribute readers report from its XML module.
    private static LibvirtErrorException XmlProp(string message) => new(ErrorCode.XmlError, ErrorDomain.Xml, "XML error: " + message);
}
