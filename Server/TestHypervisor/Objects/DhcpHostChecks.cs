using System.Net;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// libvirt's checks of a static DHCP &lt;host&gt;, made both when a network is defined and when net-update adds,
/// modifies or deletes one: a unicast MAC (IPv4 only), an id of hex digits and colons, a name that starts with a letter
/// or digit, a numeric ip, and what each family requires.
/// </summary>
internal static class DhcpHostChecks
{
    /// <summary>
    /// The host as libvirt keeps it (the ip in canonical form). <paramref name="partialOkay"/> is net-update's delete,
    /// which needs only one of mac, name and ip to find the entry.
    /// </summary>
    public static TestNetworkDef.DhcpHost Parse(XElement host, string network, bool ipv6, bool partialOkay)
    {
        string? mac = (string?)host.Attribute("mac");
        if (mac is not null)
        {
            if (ipv6)
            {
                throw Xml($"Invalid to specify MAC address '{mac}' in network '{network}' IPv6 static host definition");
            }

            if (!NetworkXmlChecks.TryParseMac(mac, out byte[] bytes))
            {
                throw Xml($"Cannot parse MAC address '{mac}' in network '{network}'");
            }

            if ((bytes[0] & 1) != 0)
            {
                throw Xml($"expected unicast mac address, found multicast '{mac}' in network '{network}'");
            }
        }

        string? id = (string?)host.Attribute("id");
        if (id is not null && id.FirstOrDefault(c => !(char.IsAsciiHexDigit(c) || c == ':')) is char bad and not '\0')
        {
            throw Xml($"Invalid character '{bad}' in id '{id}' of network '{network}'");
        }

        string? name = (string?)host.Attribute("name");
        if (name is not null && (name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0])))
        {
            throw Xml($"Cannot use host name '{name}' in network '{network}'");
        }

        string? ip = (string?)host.Attribute("ip");
        IPAddress? address = null;
        if (ip is not null && !IPAddress.TryParse(ip, out address))
        {
            throw Xml($"Invalid IP address in static host definition for network '{network}'");
        }

        if (partialOkay)
        {
            if (mac is null && name is null && ip is null)
            {
                throw Xml($"At least one of name, mac, or ip attribute must be specified for static host definition in network '{network}' ");
            }
        }
        else
        {
            if (ipv6 && id is null && name is null)
            {
                throw Xml($"Static host definition in IPv6 network '{network}' must have id or name attribute");
            }

            if (!ipv6 && mac is null && name is null)
            {
                throw Xml($"Static host definition in IPv4 network '{network}' must have mac or name attribute");
            }

            if (ip is null)
            {
                throw Xml($"Missing IP address in static host definition for network '{network}'");
            }
        }

        return new TestNetworkDef.DhcpHost(mac, id, name, address?.ToString());
    }

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, "XML error: " + message);
}
