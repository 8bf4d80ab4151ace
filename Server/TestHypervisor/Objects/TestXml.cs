using System.Xml;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>Parsing of client-supplied XML with libvirt's error codes and wording for the common failures.</summary>
internal static class TestXml
{
    /// <summary>
    /// Parses <paramref name="xml"/> and checks its root element. <paramref name="documentName"/> is the label libvirt
    /// puts in front of parser errors, e.g. <c>network_definition</c>.
    /// </summary>
    public static XElement ParseRoot(string xml, string documentName, string rootName, ErrorDomain domain)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            string firstLine = xml.Split('\n')[0];
            string reason = xml.TrimStart().StartsWith('<') ? e.Message : "Start tag expected, '<' not found";
            int line = xml.TrimStart().StartsWith('<') ? Math.Max(1, e.LineNumber) : 1;
            throw new LibvirtErrorException(ErrorCode.XmlDetail, domain, $"({documentName}):{line}: {reason}\n{firstLine}\n^");
        }

        XElement root = document.Root!;
        if (root.Name.LocalName != rootName)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: expecting root element of '{rootName}', not '{root.Name.LocalName}'");
        }

        return root;
    }

    /// <summary>
    /// Parses <paramref name="xml"/> into its root element; a parser error becomes libvirt's XML-detail error, labelled
    /// <c>(<paramref name="documentName"/>):LINE:</c> as libvirt labels it (the reason is .NET's wording, not libxml2's).
    /// </summary>
    public static XElement ParseElement(string xml, string documentName, ErrorDomain domain, string prefix = "")
    {
        try
        {
            return XElement.Parse(xml);
        }
        catch (XmlException e)
        {
            throw new LibvirtErrorException(ErrorCode.XmlDetail, domain, $"{prefix}({documentName}):{e.LineNumber}: {e.Message}");
        }
    }

    /// <summary>Reads an optional <c>&lt;uuid&gt;</c> child or makes a random one, as libvirt's parsers do.</summary>
    public static Guid ReadUuid(XElement root, ErrorDomain domain)
    {
        string? text = root.Element("uuid")?.Value.Trim();
        if (text is null)
        {
            return Guid.NewGuid();
        }

        if (!TestUuid.TryParse(text, out Guid uuid))
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, domain, "internal error: malformed uuid element");
        }

        return uuid;
    }
}
