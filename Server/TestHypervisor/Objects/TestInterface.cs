using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>A host interface: its XML as given (re-laid-out on output) and whether it is up; guarded by <see cref="TestState.Gate"/>.</summary>
internal sealed class TestInterface
{
    private static readonly string[] Types = ["ethernet", "bridge", "bond", "vlan"];

    private TestInterface(XElement root, string name, string? mac)
    {
        Root = root;
        Name = name;
        Mac = mac;
    }

    public XElement Root { get; }

    public string Name { get; }

    public string? Mac { get; }

    public bool Active { get; set; }

    /// <summary>Parses interface XML as libvirt's interface parser accepts it (type, name, mac).</summary>
    public static TestInterface Parse(string xml)
    {
        XElement root = TestXml.ParseRoot(xml, "interface_definition", "interface", ErrorDomain.Interface);
        string? type = (string?)root.Attribute("type");
        if (type is null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Interface, "XML error: interface has no type");
        }

        if (Array.IndexOf(Types, type) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Interface, $"XML error: unknown interface type {type}");
        }

        string? name = (string?)root.Attribute("name");
        if (string.IsNullOrEmpty(name))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Interface, "XML error: interface has no name");
        }

        string? mac = (string?)root.Element("mac")?.Attribute("address");
        return new TestInterface(root, name, mac?.ToLowerInvariant());
    }

    /// <summary>
    /// Formats the interface in libvirt's order: start mode, mtu and protocols first, then the type's own elements.
    /// </summary>
    public string Format()
    {
        var w = new LibvirtXmlWriter();
        string type = (string?)Root.Attribute("type") ?? "ethernet";
        w.Open("interface", ("type", type), ("name", Name));
        foreach (string first in (string[])["start", "mtu", "protocol"])
        {
            foreach (XElement element in Root.Elements(first))
            {
                WriteElement(w, element);
            }
        }

        foreach (XElement element in Root.Elements())
        {
            string local = element.Name.LocalName;
            if (local is "start" or "mtu" or "protocol" || (local == "mac" && type != "ethernet"))
            {
                continue;
            }

            WriteElement(w, element);
        }

        w.Close("interface");
        return w.ToString();
    }

    private static void WriteElement(LibvirtXmlWriter w, XElement element)
    {
        (string, string?)[] attributes = [.. element.Attributes().Select(a => (a.Name.LocalName, (string?)a.Value))];

        // libvirt writes a bridge's or bond's member interfaces as full elements, even when they hold nothing.
        bool member = element.Name.LocalName == "interface" && element.Parent?.Name.LocalName is "bridge" or "bond";
        if (element.HasElements || member)
        {
            w.Open(element.Name.LocalName, attributes);
            foreach (XElement child in element.Elements())
            {
                WriteElement(w, child);
            }

            w.Close(element.Name.LocalName);
        }
        else if (element.Value.Trim().Length > 0)
        {
            w.Text(element.Name.LocalName, element.Value.Trim(), attributes);
        }
        else
        {
            w.Empty(element.Name.LocalName, attributes);
        }
    }
}
