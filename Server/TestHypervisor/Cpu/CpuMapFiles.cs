using System.Xml;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Cpu;

/// <summary>
/// Reads libvirt's CPU map: index.xml names, per architecture family, the files that hold its vendors, features and
/// models. Elements written directly under the family come first, then each included file in index order.
/// </summary>
internal static class CpuMapFiles
{
    /// <summary>Where libvirt 9.0.0 installs the map on Debian.</summary>
    public const string DefaultDirectory = "/usr/share/libvirt/cpu_map";

    public static List<XElement> Load(string directory, string family)
    {
        XElement index = Read(Path.Combine(directory, "index.xml"));
        XElement arch = index.Elements("arch").FirstOrDefault(a => (string?)a.Attribute("name") == family)
            ?? throw Internal($"cannot find CPU map for {family} architecture");
        var files = new List<XElement> { arch };
        foreach (XElement include in arch.Elements("include"))
        {
            string file = (string?)include.Attribute("filename") ?? throw Internal("Missing 'filename' in CPU map include");
            files.Add(Read(Path.Combine(directory, file)));
        }

        return files;
    }

    public static string Name(XElement element)
        => (string?)element.Attribute("name") ?? throw Internal($"cannot find {element.Name.LocalName} name in CPU map");

    public static LibvirtErrorException Internal(string message) => new(ErrorCode.InternalError, ErrorDomain.Cpu, "internal error: " + message);

    // A file that cannot be read is only a warning to libxml2 (which libvirt silences), so libvirt reports its own
    // generic parse failure naming the file.
    private static XElement Read(string path)
    {
        try
        {
            return XDocument.Load(path).Root!;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Cpu, $"XML error: failed to parse xml document '{path}'");
        }
    }
}
