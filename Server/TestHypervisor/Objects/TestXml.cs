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
        CheckStart(xml, $"({documentName})", domain);
        XDocument document;
        try
        {
            document = XDocument.Parse(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            string firstLine = xml.Split('\n')[0];
            throw new LibvirtErrorException(ErrorCode.XmlDetail, domain, LibxmlParserError.Describe(xml, e, $"({documentName})") ?? $"({documentName}):{Math.Max(1, e.LineNumber)}: {e.Message}\n{firstLine}\n^");
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
    /// libvirt writes a few labels without the parentheses (<paramref name="bareLabel"/>).
    /// </summary>
    public static XElement ParseElement(string xml, string documentName, ErrorDomain domain, bool bareLabel = false)
    {
        string label = bareLabel ? documentName : $"({documentName})";
        CheckStart(xml, label, domain);
        try
        {
            return XElement.Parse(xml);
        }
        catch (XmlException e)
        {
            throw new LibvirtErrorException(ErrorCode.XmlDetail, domain, LibxmlParserError.Describe(xml, e, label) ?? $"{label}:{e.LineNumber}: {e.Message}");
        }
    }

    /// <summary>
    /// libxml2's two refusals of what comes before the first tag, in libvirt's layout: an empty document, and text other
    /// than white space before the first '&lt;' (reported at that spot, with its line and a caret under it).
    /// </summary>
    private static void CheckStart(string xml, string label, ErrorDomain domain)
    {
        if (xml.Length == 0)
        {
            throw new LibvirtErrorException(ErrorCode.XmlDetail, domain, $"{label}:1: Document is empty\n(null)\n^");
        }

        int position = 0;
        while (position < xml.Length && xml[position] is ' ' or '\t' or '\n' or '\r')
        {
            position++;
        }

        if (position < xml.Length && xml[position] == '<')
        {
            return;
        }

        // The context is the line holding the error spot; when that spot sits on a line end, the line before it.
        int lineNumber = 1 + xml.AsSpan(0, position).Count('\n');
        int anchor = position;
        while (anchor > 0 && anchor < xml.Length && xml[anchor] is '\n' or '\r')
        {
            anchor--;
        }

        int lineStart = anchor;
        while (lineStart > 0 && xml[lineStart - 1] is not ('\n' or '\r'))
        {
            lineStart--;
        }

        int lineEnd = xml.IndexOfAny(['\n', '\r'], lineStart);
        string line = xml[lineStart..(lineEnd < 0 ? xml.Length : lineEnd)];
        string caret = new string('-', Math.Max(0, position - lineStart)) + "^";
        throw new LibvirtErrorException(ErrorCode.XmlDetail, domain, $"{label}:{lineNumber}: Start tag expected, '<' not found\n{line}\n{caret}");
    }

    /// <summary>
    /// A yes/no attribute as libvirt's tristate parser reads it: its value, null when absent, and libvirt's XML error
    /// for anything else.
    /// </summary>
    public static string? YesNo(XElement? element, string attribute)
    {
        string? value = (string?)element?.Attribute(attribute);
        return value is null or "yes" or "no"
            ? value
            : throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute '{attribute}' in element '{element!.Name.LocalName}': '{value}'.");
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
