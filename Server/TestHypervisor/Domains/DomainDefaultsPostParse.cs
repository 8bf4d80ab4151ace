using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Attributes libvirt always writes back although the user may leave them out: a subsystem host device's
/// <c>managed</c> flag and the Hyper-V enlightenments' <c>mode</c>.
/// </summary>
internal static class DomainDefaultsPostParse
{
    /// <summary>Fills the defaults into the kept <c>features</c> element and the device list.</summary>
    public static void Apply(XElement? features, List<XElement> devices)
    {
        if (features?.Element("hyperv") is { } hyperv && hyperv.Attribute("mode") is null)
        {
            hyperv.ReplaceAttributes(new XAttribute("mode", "custom"), hyperv.Attributes());
        }

        foreach (XElement hostdev in devices.Where(d => d.Name.LocalName == "hostdev" && (string?)d.Attribute("mode") is null or "subsystem"))
        {
            // libvirt writes mode, type and managed first, managed only ever as yes or no.
            bool managed = (string?)hostdev.Attribute("managed") == "yes";
            XAttribute[] rest = [.. hostdev.Attributes().Where(a => a.Name.LocalName is not ("mode" or "type" or "managed"))];
            hostdev.ReplaceAttributes(
                new XAttribute("mode", "subsystem"),
                hostdev.Attribute("type") is { } type ? new XAttribute(type) : null,
                new XAttribute("managed", managed ? "yes" : "no"),
                rest);
        }
    }
}
