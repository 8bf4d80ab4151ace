using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// &lt;memtune&gt; as libvirt reads it: each limit (the first of its name) scaled to KiB, rounded up, in libvirt's
/// order; a limit at or past "unlimited" and a zero guarantee are not written, nor is a memtune left empty.
/// </summary>
internal static class DomainMemtune
{
    private const ulong UnlimitedKiB = 9007199254740991;

    private static readonly string[] Order = ["hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit"];

    /// <summary>The memtune libvirt writes back for <paramref name="memtune"/>, or null when it writes none.</summary>
    public static XElement? Normalise(XElement memtune)
    {
        var result = new XElement("memtune");
        foreach (string name in Order)
        {
            if (memtune.Element(name) is not XElement element)
            {
                continue;
            }

            string text = element.Value;
            if (!ulong.TryParse(text.TrimStart(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: Invalid value '{text}' for element or attribute './memtune/{name}[1]'");
            }

            ulong kib = Math.Min(SizeUnits.ToKiB(value, ((string?)element.Attribute("unit"))?.Trim()), UnlimitedKiB);
            bool written = name == "min_guarantee" ? kib != 0 : kib < UnlimitedKiB;
            if (written)
            {
                result.Add(new XElement(name, new XAttribute("unit", "KiB"), kib.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return result.HasElements ? result : null;
    }
}
