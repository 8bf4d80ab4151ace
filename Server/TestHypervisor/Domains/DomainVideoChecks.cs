using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt's validation of the video cards as written, before its defaults mark the first one primary: one primary
/// card at most, a 'none' card alone, and no address on a ramfb card.
/// </summary>
internal static class DomainVideoChecks
{
    public static void Check(IReadOnlyList<XElement> devices)
    {
        XElement[] videos = [.. devices.Where(d => d.Name.LocalName == "video")];
        if (videos.Count(v => (string?)v.Element("model")?.Attribute("primary") == "yes") > 1)
        {
            throw Unsupported("Only one primary video device is supported");
        }

        if (videos.Length > 1 && videos.Any(v => (string?)v.Element("model")?.Attribute("type") == "none"))
        {
            throw Unsupported("a 'none' video type must be the only video device defined for the domain");
        }

        if (videos.Any(v => (string?)v.Element("model")?.Attribute("type") == "ramfb" && v.Element("address") is not null))
        {
            throw Unsupported("address not supported for video type ramfb");
        }
    }

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: " + message);
}
