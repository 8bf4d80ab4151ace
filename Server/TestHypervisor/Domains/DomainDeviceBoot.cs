using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// A device's &lt;boot loadparm&gt; (the s390 IPL load parameter): libvirt upper-cases it (ASCII letters only), then
/// requires 1 to 8 characters from letters, digits, '.' and space, and writes the upper-cased value back.
/// </summary>
internal static class DomainDeviceBoot
{
    public static void Apply(IEnumerable<XElement> devices)
    {
        foreach (XAttribute loadparm in devices.Select(d => d.Element("boot")?.Attribute("loadparm")).OfType<XAttribute>())
        {
            string upper = string.Concat(loadparm.Value.Select(c => char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : c));
            if (upper.Length is 0 or > 8)
            {
                throw Internal($"loadparm value '{upper}' must be between 1 and 8 characters");
            }

            if (!upper.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ' '))
            {
                throw Internal($"invalid loadparm value '{upper}', expecting chars in set of [a-zA-Z0-9.] and blank spaces");
            }

            loadparm.Value = upper;
        }
    }

    private static LibvirtErrorException Internal(string message) => new(ErrorCode.InternalError, ErrorDomain.Domain, "internal error: " + message);
}
