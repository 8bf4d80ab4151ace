using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// The huge page sizes of &lt;memoryBacking&gt; as libvirt takes them: a nodeset that selects no node is refused;
/// without guest NUMA cells a nodeset of node 0 alone is dropped (the page becomes the default size); sizes are
/// written in KiB. Then at most
/// one page may lack a nodeset, nodesets may not overlap, and each must name existing guest NUMA cells.
/// </summary>
internal static partial class DomainHugepages
{
    public static void Apply(XElement? memoryBacking, int guestCells)
    {
        XElement[] pages = memoryBacking?.Element("hugepages")?.Elements("page").ToArray() ?? [];
        var sizes = new ulong[pages.Length];
        var nodesets = new byte[]?[pages.Length];
        for (int i = 0; i < pages.Length; i++)
        {
            sizes[i] = SizeKiB(pages[i]);
            if (sizes[i] == 0 && ((string?)pages[i].Attribute("size"))?.Trim() is string text0 && text0.All(char.IsAsciiDigit) && text0.Length > 0)
            {
                throw Detail("hugepage size can't be zero");
            }

            if ((string?)pages[i].Attribute("nodeset") is string text)
            {
                nodesets[i] = DomainIoThreads.ParseCpuset(text);
                CheckSelectsANode(text);
            }
        }

        for (int i = 0; i < pages.Length; i++)
        {
            if (guestCells == 0 && nodesets[i] is [1])
            {
                nodesets[i] = null;
            }

            // libvirt writes every page size in KiB and the nodeset in its own bitmap form.
            if (sizes[i] == 0)
            {
                continue;
            }

            pages[i].ReplaceAttributes(
                new XAttribute("size", sizes[i].ToString(CultureInfo.InvariantCulture)),
                new XAttribute("unit", "KiB"),
                nodesets[i] is byte[] map ? new XAttribute("nodeset", DomainIoThreads.FormatCpuset(map)) : null);
        }

        for (int i = 0; i < pages.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (nodesets[i] is byte[] a && nodesets[j] is byte[] b && a.Zip(b).Any(p => (p.First & p.Second) != 0))
                {
                    throw Detail($"nodeset attribute of hugepages of sizes {sizes[i]} and {sizes[j]} intersect");
                }

                if (nodesets[i] is null && nodesets[j] is null)
                {
                    throw Detail($"two master hugepages detected: {sizes[i]} and {sizes[j]}");
                }
            }

            if (nodesets[i] is byte[] nodes && Enumerable.Range(guestCells, Math.Max(0, (nodes.Length * 8) - guestCells)).FirstOrDefault(n => (nodes[n / 8] & (1 << (n % 8))) != 0, -1) is int missing and >= 0)
            {
                throw Detail($"hugepages: node {missing} not found");
            }
        }
    }

    /// <summary>Refuses a well-formed nodeset that selects no node ("0,^0"), as libvirt refuses every nodeset.</summary>
    public static void CheckSelectsANode(string nodeset)
    {
        if (DomainIoThreads.ParseCpuset(nodeset) is null && WellFormed().IsMatch(nodeset))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: Invalid value of 'nodeset': {nodeset}");
        }
    }

    private static ulong SizeKiB(XElement page)
    {
        string? unit = (string?)page.Attribute("unit");
        if (!ulong.TryParse(((string?)page.Attribute("size"))?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            return 0;
        }

        return SizeUnits.ToKiB(value, unit);
    }

    private static LibvirtErrorException Detail(string message) => new(ErrorCode.XmlDetail, ErrorDomain.Domain, message);

    [GeneratedRegex(@"^\s*\^?\d+(-\d+)?\s*(,\s*\^?\d+(-\d+)?\s*)*$")]
    private static partial Regex WellFormed();
}
