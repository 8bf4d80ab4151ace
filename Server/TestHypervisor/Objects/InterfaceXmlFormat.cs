using System.Globalization;
using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// Writes a host interface as libvirt does after parsing it: only what its parser keeps (start mode, MTU and protocols
/// at the top level, the link, then the type's own part), in its fixed order; anything else in the input is dropped.
/// Input is assumed to have passed <see cref="InterfaceXmlChecks"/>.
/// </summary>
internal static class InterfaceXmlFormat
{
    public static string Format(XElement root)
    {
        var w = new LibvirtXmlWriter();
        Write(w, root, topLevel: true);
        return w.ToString();
    }

    private static void Write(LibvirtXmlWriter w, XElement element, bool topLevel)
    {
        string type = (string)element.Attribute("type")!;
        w.Open("interface", ("type", type), ("name", (string?)element.Attribute("name")));
        if (topLevel)
        {
            if ((string?)element.Element("start")?.Attribute("mode") is string mode)
            {
                w.Empty("start", ("mode", mode));
            }

            if (UInt(element.Element("mtu")?.Attribute("size")) is uint mtu and > 0)
            {
                w.Empty("mtu", ("size", mtu.ToString(CultureInfo.InvariantCulture)));
            }

            foreach (XElement protocol in element.Elements("protocol"))
            {
                WriteProtocol(w, protocol);
            }
        }

        if (type != "bridge" && element.Element("link") is XElement link)
        {
            string? speed = UInt(link.Attribute("speed")) is uint s and > 0 ? s.ToString(CultureInfo.InvariantCulture) : null;
            string? state = NonEmpty((string?)link.Attribute("state"));
            if (speed is not null || state is not null)
            {
                w.Empty("link", ("speed", speed), ("state", state));
            }
        }

        switch (type)
        {
            case "ethernet":
                if (NonEmpty((string?)element.Element("mac")?.Attribute("address")) is string mac)
                {
                    w.Empty("mac", ("address", mac));
                }

                break;
            case "bridge":
                XElement bridge = element.Element("bridge")!;
                string? stp = (string?)bridge.Attribute("stp") is "on" or "off" ? (string?)bridge.Attribute("stp") : null;
                w.Open("bridge", ("stp", stp), ("delay", (string?)bridge.Attribute("delay")));
                foreach (XElement nested in bridge.Elements("interface"))
                {
                    Write(w, nested, topLevel: false);
                }

                w.Close("bridge");
                break;
            case "bond":
                WriteBond(w, element.Element("bond")!);
                break;
            case "vlan":
                XElement vlan = element.Element("vlan")!;
                w.Open("vlan", ("tag", (string?)vlan.Attribute("tag")));
                w.Empty("interface", ("name", (string?)vlan.Element("interface")!.Attribute("name")));
                w.Close("vlan");
                break;
        }

        w.Close("interface");
    }

    private static void WriteProtocol(LibvirtXmlWriter w, XElement protocol)
    {
        string family = (string)protocol.Attribute("family")!;
        w.Open("protocol", ("family", family));
        if (family == "ipv6" && protocol.Element("autoconf") is not null)
        {
            w.Empty("autoconf");
        }

        if (protocol.Element("dhcp") is XElement dhcp)
        {
            w.Empty("dhcp", ("peerdns", (string?)dhcp.Attribute("peerdns")));
        }

        foreach (XElement ip in protocol.Elements("ip"))
        {
            if ((string?)ip.Attribute("address") is string address)
            {
                int prefix = int.TryParse((string?)ip.Attribute("prefix"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int p) ? p : 0;
                w.Empty("ip", ("address", address), ("prefix", prefix != 0 ? prefix.ToString(CultureInfo.InvariantCulture) : null));
            }
        }

        if (NonEmpty((string?)protocol.Element("route")?.Attribute("gateway")) is string gateway)
        {
            w.Empty("route", ("gateway", gateway));
        }

        w.Close("protocol");
    }

    private static void WriteBond(LibvirtXmlWriter w, XElement bond)
    {
        w.Open("bond", ("mode", (string?)bond.Attribute("mode")));
        if (bond.Element("miimon") is XElement miimon)
        {
            int down = Int(miimon.Attribute("downdelay"));
            int up = Int(miimon.Attribute("updelay"));
            w.Empty(
                "miimon",
                ("freq", Int(miimon.Attribute("freq")).ToString(CultureInfo.InvariantCulture)),
                ("downdelay", down > 0 ? down.ToString(CultureInfo.InvariantCulture) : null),
                ("updelay", up > 0 ? up.ToString(CultureInfo.InvariantCulture) : null),
                ("carrier", (string?)miimon.Attribute("carrier")));
        }
        else if (bond.Element("arpmon") is XElement arpmon)
        {
            w.Empty(
                "arpmon",
                ("interval", Int(arpmon.Attribute("interval")).ToString(CultureInfo.InvariantCulture)),
                ("target", (string?)arpmon.Attribute("target")),
                ("validate", (string?)arpmon.Attribute("validate")));
        }

        foreach (XElement nested in bond.Elements("interface"))
        {
            Write(w, nested, topLevel: false);
        }

        w.Close("bond");
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static uint? UInt(XAttribute? attribute)
        => uint.TryParse((string?)attribute, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) ? value : null;

    private static int Int(XAttribute? attribute)
        => int.TryParse(((string?)attribute)?.TrimStart(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : 0;
}
