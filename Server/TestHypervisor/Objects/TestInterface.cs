using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>A host interface: its XML as given (written back as libvirt's parser and formatter would) and whether it is up; guarded by <see cref="TestState.Gate"/>.</summary>
internal sealed class TestInterface
{
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
        InterfaceXmlChecks.Check(root, parentType: null);
        string name = (string?)root.Attribute("name") ?? string.Empty;
        // libvirt keeps a MAC address only for an ethernet interface; other types lose it (and so cannot be found by it).
        string? mac = (string?)root.Attribute("type") == "ethernet" ? (string?)root.Element("mac")?.Attribute("address") : null;
        return new TestInterface(root, name, mac);
    }

    /// <summary>Formats the interface as libvirt writes what its parser kept.</summary>
    public string Format() => InterfaceXmlFormat.Format(Root);
}
