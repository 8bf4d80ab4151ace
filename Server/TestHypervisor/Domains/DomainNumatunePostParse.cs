using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt writes a numatune memory element with its mode first, "strict" when none was given, followed by either the
/// nodeset or the placement (virt-install's --numatune gives only the nodeset).
/// </summary>
internal static class DomainNumatunePostParse
{
    public static void Apply(XElement numatune)
    {
        foreach (XElement memory in numatune.Elements("memory"))
        {
            string? nodeset = (string?)memory.Attribute("nodeset");
            string? placement = (string?)memory.Attribute("placement");
            var attributes = new List<XAttribute> { new("mode", (string?)memory.Attribute("mode") ?? "strict") };
            if (nodeset is not null && placement is null or "static")
            {
                attributes.Add(new XAttribute("nodeset", nodeset));
            }
            else if (placement is not null)
            {
                attributes.Add(new XAttribute("placement", placement));
            }

            memory.ReplaceAttributes(attributes);
        }

        foreach (XElement node in numatune.Elements("memnode"))
        {
            node.ReplaceAttributes(
                new XAttribute("cellid", (string?)node.Attribute("cellid") ?? "0"),
                new XAttribute("mode", (string?)node.Attribute("mode") ?? "strict"),
                new XAttribute("nodeset", (string?)node.Attribute("nodeset") ?? string.Empty));
        }
    }
}
