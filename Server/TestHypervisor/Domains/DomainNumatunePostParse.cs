using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt writes a numatune memory element with its mode first, "strict" when none was given, followed by either the
/// nodeset or the placement (virt-install's --numatune gives only the nodeset).
/// </summary>
internal static class DomainNumatunePostParse
{
    /// <summary>
    /// libvirt's parse-time refusals: a nodeset must select a node, a static memory placement needs one, and per-node bindings need guest
    /// NUMA cells, a non-automatic memory placement and the restrictive mode when the memory element has it.
    /// </summary>
    public static void Check(XElement numatune, int guestCells, bool vcpuPlacementAuto)
    {
        XElement? memory = numatune.Element("memory");
        string? placement = (string?)memory?.Attribute("placement");
        bool hasNodeset = memory?.Attribute("nodeset") is not null;
        foreach (XAttribute nodeset in numatune.Elements().Where(e => e.Name.LocalName is "memory" or "memnode").Select(e => e.Attribute("nodeset")).OfType<XAttribute>())
        {
            DomainHugepages.CheckSelectsANode(nodeset.Value);
        }

        if (memory is not null && placement == "static" && !hasNodeset)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
        }

        if (!numatune.Elements("memnode").Any())
        {
            return;
        }

        if (memory is not null && (placement == "auto" || (placement is null && !hasNodeset && vcpuPlacementAuto)))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: Per-node binding is not compatible with automatic NUMA placement.");
        }

        if (guestCells == 0)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: Element 'memnode' is invalid without any guest NUMA cells");
        }

        if ((string?)memory?.Attribute("mode") == "restrictive" && numatune.Elements("memnode").Any(n => (string?)n.Attribute("mode") != "restrictive"))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: 'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element");
        }
    }

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
