using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// What libvirt writes into domain XML only when secure output is asked for (and a read-only client may never ask):
/// the password of a VNC or SPICE display and the cookies of a network disk.
/// </summary>
internal static class DomainSecrets
{
    /// <summary>Display authentication attributes, in the order libvirt writes them after a display's own attributes.</summary>
    public static readonly string[] DisplayAuthAttributes = ["passwd", "passwdValidTo", "connected"];

    /// <summary><paramref name="device"/> itself when it holds no secret, else a copy without them.</summary>
    public static XElement Without(XElement device)
    {
        switch (device.Name.LocalName)
        {
            case "graphics" when device.Attribute("passwd") is not null:
                var display = new XElement(device);
                display.Attribute("passwd")!.Remove();
                return display;
            case "disk" when device.Element("source")?.Element("cookies") is not null:
                var disk = new XElement(device);
                disk.Element("source")!.Element("cookies")!.Remove();
                return disk;
            default:
                return device;
        }
    }
}
