using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// SMBIOS &lt;sysinfo&gt; as libvirt reads it: the BIOS date must be mm/dd/yy or mm/dd/yyyy (year 1900 on), and the
/// system UUID must parse and equal the domain's; a domain without &lt;uuid&gt; takes the system UUID, which is
/// written back in canonical form. Also the boot menu and reboot timeouts of &lt;os&gt;, whose ranges libvirt
/// validates.
/// </summary>
internal static partial class DomainSysinfo
{
    public static void Apply(XElement root, DomainDefinition definition, bool uuidGiven)
    {
        foreach (XElement sysinfo in root.Elements("sysinfo").Where(s => (string?)s.Attribute("type") == "smbios"))
        {
            if (Entry(sysinfo.Element("bios"), "date") is string date && !ValidDate(date))
            {
                throw Detail("Invalid BIOS 'date' format");
            }

            if (sysinfo.Element("system") is XElement system && Entry(system, "uuid") is string text)
            {
                if (!DomainDefinition.TryParseUuid(text, out byte[] uuid))
                {
                    throw Detail("malformed <sysinfo> uuid element");
                }

                if (!uuidGiven)
                {
                    definition.Uuid = uuid;
                }
                else if (!uuid.AsSpan().SequenceEqual(definition.Uuid))
                {
                    throw Detail("UUID mismatch between <uuid> and <sysinfo>");
                }

                system.Elements("entry").First(e => (string?)e.Attribute("name") == "uuid").Value = DomainDefinition.FormatUuid(uuid);
            }
        }
    }

    public static void CheckBootTimeouts(XElement os)
    {
        if (uint.TryParse((string?)os.Element("bootmenu")?.Attribute("timeout"), NumberStyles.None, CultureInfo.InvariantCulture, out uint timeout) && timeout > 65535)
        {
            throw Unsupported("invalid value for boot menu timeout, must be in range [0,65535]");
        }

        if (int.TryParse((string?)os.Element("bios")?.Attribute("rebootTimeout"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int delay) && delay is < -1 or > 65535)
        {
            throw Unsupported("invalid value for rebootTimeout, must be in range [-1,65535]");
        }
    }

    private static string? Entry(XElement? group, string name)
        => group?.Elements("entry").FirstOrDefault(e => (string?)e.Attribute("name") == name)?.Value;

    private static bool ValidDate(string date)
    {
        Match m = DateShape().Match(date);
        if (!m.Success)
        {
            return false;
        }

        int month = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int day = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        int year = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        return month is >= 1 and <= 12 && day is >= 1 and <= 31 && year >= 0 && (year < 100 || year >= 1900);
    }

    private static LibvirtErrorException Detail(string message) => new(ErrorCode.XmlDetail, ErrorDomain.Domain, message);

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: " + message);

    // strtol-style numbers: optional leading spaces and sign before each.
    [GeneratedRegex(@"^\s*([-+]?\d{1,9})/\s*([-+]?\d{1,9})/\s*([-+]?\d{1,9})$")]
    private static partial Regex DateShape();
}
