using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Server.TestHypervisor.Objects;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// The guest &lt;cpu&gt; element as libvirt writes it back: mode and match filled in (custom, exact), the model's
/// fallback (allow) added, feature policies defaulted to require and written before the name, topology dies
/// defaulted to 1, NUMA cells numbered and sorted by id with their memory in KiB, host-only children dropped, and
/// the element left out when nothing in it would be written. Clients such as virt-manager compare this with what
/// they sent.
/// </summary>
internal static class DomainCpuPostParse
{
    /// <summary>Returns the element libvirt would write for <paramref name="cpu"/>, or null when it writes none.</summary>
    public static XElement? Normalize(XElement cpu)
    {
        string mode = (string?)cpu.Attribute("mode") ?? "custom";

        // A host CPU description (with <arch>) or an unknown mode is rare in a domain; keep it as written.
        if (cpu.Element("arch") is not null || mode is not ("custom" or "host-model" or "host-passthrough" or "maximum"))
        {
            return cpu;
        }

        bool passthrough = mode is "host-passthrough" or "maximum";
        XElement? modelElement = cpu.Element("model");
        string? model = string.IsNullOrEmpty(modelElement?.Value) ? null : modelElement!.Value;
        string? vendorId = passthrough ? null : (string?)modelElement?.Attribute("vendor_id");
        bool formatModel = mode is "custom" or "host-model";
        var result = new XElement("cpu");
        if (mode != "custom" || model is not null)
        {
            result.Add(new XAttribute("mode", mode));
            if (mode == "custom")
            {
                result.Add(new XAttribute("match", (string?)cpu.Attribute("match") ?? "exact"));
            }

            if (cpu.Attribute("check") is { } check)
            {
                result.Add(new XAttribute(check));
            }

            if (passthrough && cpu.Attribute("migratable") is { } migratable)
            {
                result.Add(new XAttribute(migratable));
            }
        }

        if (formatModel && (model is not null || vendorId is not null))
        {
            var element = new XElement("model");
            if (model is not null)
            {
                element.Add(new XAttribute("fallback", (string?)modelElement!.Attribute("fallback") ?? "allow"));
            }

            if (vendorId is not null)
            {
                element.Add(new XAttribute("vendor_id", vendorId));
            }

            if (model is not null)
            {
                element.Value = model;
            }

            result.Add(element);
        }

        if (formatModel && cpu.Element("vendor") is { } vendor && vendor.Value.Length > 0)
        {
            result.Add(new XElement("vendor", vendor.Value));
        }

        if (cpu.Element("topology") is { } topology
            && topology.Attribute("sockets") is { } sockets && topology.Attribute("cores") is { } cores && topology.Attribute("threads") is { } threads)
        {
            result.Add(new XElement(
                "topology",
                new XAttribute("sockets", sockets.Value),
                new XAttribute("dies", (string?)topology.Attribute("dies") ?? "1"),
                new XAttribute("cores", cores.Value),
                new XAttribute("threads", threads.Value)));
        }

        if (cpu.Element("cache") is { } cache)
        {
            result.Add(new XElement("cache", cache.Attribute("level") is { } level ? new XAttribute(level) : null, cache.Attribute("mode") is { } cacheMode ? new XAttribute(cacheMode) : null));
        }

        if (cpu.Element("maxphysaddr") is { } maxphysaddr)
        {
            result.Add(new XElement("maxphysaddr", maxphysaddr.Attribute("mode") is { } addrMode ? new XAttribute(addrMode) : null, maxphysaddr.Attribute("bits") is { } bits ? new XAttribute(bits) : null));
        }

        foreach (XElement feature in cpu.Elements("feature"))
        {
            result.Add(new XElement("feature", new XAttribute("policy", (string?)feature.Attribute("policy") ?? "require"), new XAttribute("name", (string?)feature.Attribute("name") ?? string.Empty)));
        }

        if (cpu.Element("numa") is { } numa && Numa(numa) is { } normalizedNuma)
        {
            result.Add(normalizedNuma);
        }

        return result.HasAttributes || result.HasElements ? result : null;
    }

    // libvirt stores a cell at the index its id names (the position when it has none) and writes them in that order.
    private static XElement? Numa(XElement numa)
    {
        List<XElement> cells = [.. numa.Elements("cell")];
        if (cells.Count == 0)
        {
            return null;
        }

        var ordered = new XElement?[cells.Count];
        for (int i = 0; i < cells.Count; i++)
        {
            XElement cell = cells[i];
            int id = i;
            if ((string?)cell.Attribute("id") is string idText && !int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out id))
            {
                // An id libvirt would refuse with its own parser error: keep what was written.
                return new XElement(numa);
            }

            if (id >= cells.Count)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: Exactly one 'cell' element per guest NUMA cell allowed, non-contiguous ranges or ranges not starting from 0 are not allowed");
            }

            if (ordered[id] is not null)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: Duplicate NUMA cell info for cell id '{id}'");
            }

            if ((string?)cell.Attribute("memAccess") is string access && access is not ("shared" or "private"))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'memAccess' in element 'cell': '{access}'.");
            }

            _ = TestXml.YesNo(cell, "discard");
            var copy = new XElement("cell", new XAttribute("id", id.ToString(CultureInfo.InvariantCulture)));
            if ((string?)cell.Attribute("cpus") is string cpus)
            {
                copy.Add(new XAttribute("cpus", DomainIoThreads.ParseCpuset(cpus) is { } map ? DomainIoThreads.FormatCpuset(map) : cpus));
            }

            if ((string?)cell.Attribute("memory") is string memory)
            {
                var sized = new XElement("memory", memory);
                if (cell.Attribute("unit") is { } unit)
                {
                    sized.Add(new XAttribute("unit", unit.Value));
                }

                copy.Add(new XAttribute("memory", DomainDefinition.ParseKiB(sized).ToString(CultureInfo.InvariantCulture)), new XAttribute("unit", "KiB"));
            }

            foreach (string name in (ReadOnlySpan<string>)["memAccess", "discard"])
            {
                if (cell.Attribute(name) is { } attribute)
                {
                    copy.Add(new XAttribute(attribute));
                }
            }

            copy.Add(cell.Elements().Select(e => new XElement(e)));
            ordered[id] = copy;
        }

        return new XElement("numa", ordered, numa.Elements().Where(e => e.Name.LocalName != "cell").Select(e => new XElement(e)));
    }
}
