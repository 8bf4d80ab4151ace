using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// &lt;clock&gt;'s offset as libvirt reads it: a numeric adjustment of a UTC or local-time clock turns it into a
/// variable clock based on that time, and a variable clock always states its adjustment and basis.
/// </summary>
internal static class DomainClock
{
    private const NumberStyles CInteger = NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign;

    /// <summary>The clock libvirt writes back for <paramref name="clock"/>; throws libvirt's errors for what it refuses.</summary>
    public static XElement Normalise(XElement clock)
    {
        string? offset = (string?)clock.Attribute("offset");
        if (offset is not (null or "utc" or "localtime" or "variable" or "timezone" or "absolute"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: unknown clock offset '{offset}'");
        }

        string? adjustment = (string?)clock.Attribute("adjustment");
        var result = new XElement(clock);
        if (offset is null or "utc" or "localtime" && adjustment is not null && adjustment != "reset")
        {
            if (!long.TryParse(adjustment, CInteger, CultureInfo.InvariantCulture, out long seconds))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: unknown clock adjustment '{adjustment}'");
            }

            result.ReplaceAttributes(Variable(seconds, offset ?? "utc"));
        }
        else if (offset == "variable")
        {
            string? basis = (string?)clock.Attribute("basis");
            if (basis is not (null or "utc" or "localtime"))
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: unknown clock basis '{basis}'");
            }

            // An adjustment that is not a number counts as none.
            long seconds = long.TryParse(adjustment, CInteger, CultureInfo.InvariantCulture, out long value) ? value : 0;
            result.ReplaceAttributes(Variable(seconds, basis ?? "utc"));
        }
        else if (offset is null)
        {
            result.ReplaceAttributes(new XAttribute("offset", "utc"), adjustment == "reset" ? new XAttribute("adjustment", "reset") : null);
        }

        return result;
    }

    private static XAttribute[] Variable(long adjustment, string basis) =>
    [
        new XAttribute("offset", "variable"),
        new XAttribute("adjustment", adjustment.ToString(CultureInfo.InvariantCulture)),
        new XAttribute("basis", basis),
    ];
}
