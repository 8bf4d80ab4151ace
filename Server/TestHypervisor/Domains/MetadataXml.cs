using System.Text;
using System.Xml;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// A domain's &lt;metadata&gt; children: libvirt keeps them as libxml2 nodes and writes them with libxml2's own
/// serializer (double-quoted attributes, namespace declarations first), unlike the rest of the document.
/// </summary>
internal static class MetadataXml
{
    /// <summary>Writes the &lt;metadata&gt; element at depth 1 of a domain document.</summary>
    public static void WriteMetadata(StringBuilder output, XElement metadata)
    {
        if (!metadata.Elements().Any())
        {
            output.Append("  <metadata/>\n");
            return;
        }

        output.Append("  <metadata>\n");
        foreach (XElement child in metadata.Elements())
        {
            output.Append("    ");
            WriteNode(output, child, 2);
            output.Append('\n');
        }

        output.Append("  </metadata>\n");
    }

    /// <summary>
    /// Parses a client's element and puts it and its descendants into namespace <paramref name="uri"/> under prefix
    /// <paramref name="key"/>, as virDomainSetMetadata stores it.
    /// </summary>
    public static XElement Inject(string xml, string key, string uri)
    {
        XElement element = TestXml.ParseElement(xml, "metadata_xml", ErrorDomain.Xml);

        if (!IsNcName(key))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Xml, $"invalid argument: failed to validate prefix for a new XML namespace '{key}'");
        }

        XNamespace ns = uri;
        foreach (XElement e in element.DescendantsAndSelf())
        {
            e.Name = ns + e.Name.LocalName;
            e.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
        }

        XAttribute[] attributes = [.. element.Attributes()];
        element.RemoveAttributes();
        element.Add(new XAttribute(XNamespace.Xmlns + key, uri));
        element.Add(attributes);
        return element;
    }

    /// <summary>The child in namespace <paramref name="uri"/> written without that namespace, or null.</summary>
    public static string? Extract(XElement? metadata, string uri)
    {
        XElement? found = metadata?.Elements().FirstOrDefault(e => e.Name.NamespaceName == uri);
        if (found is null)
        {
            return null;
        }

        var copy = new XElement(found);
        foreach (XElement e in copy.DescendantsAndSelf())
        {
            if (e.Name.NamespaceName == uri)
            {
                e.Name = e.Name.LocalName;
            }

            e.Attributes().Where(a => a.IsNamespaceDeclaration && a.Value == uri).Remove();
        }

        var output = new StringBuilder();
        WriteNode(output, copy, 0);
        return output.ToString();
    }

    private static bool IsNcName(string key)
    {
        try
        {
            XmlConvert.VerifyNCName(key);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    // libxml2's formatted dump: children of element-only content on their own lines, two spaces per level.
    private static void WriteNode(StringBuilder output, XElement element, int level)
    {
        string name = QualifiedName(element);
        output.Append('<').Append(name);
        foreach (XAttribute attribute in element.Attributes().OrderBy(a => a.IsNamespaceDeclaration ? 0 : 1))
        {
            output.Append(' ').Append(AttributeName(attribute)).Append("=\"");
            Escape(output, attribute.Value, attribute: true);
            output.Append('"');
        }

        if (!element.Nodes().Any())
        {
            output.Append("/>");
            return;
        }

        output.Append('>');
        bool elementsOnly = element.Nodes().All(n => n is XElement);
        foreach (XNode node in element.Nodes())
        {
            if (node is XElement child)
            {
                if (elementsOnly)
                {
                    output.Append('\n').Append(' ', (level + 1) * 2);
                }

                WriteNode(output, child, level + 1);
            }
            else if (node is XText text)
            {
                Escape(output, text.Value, attribute: false);
            }
        }

        if (elementsOnly)
        {
            output.Append('\n').Append(' ', level * 2);
        }

        output.Append("</").Append(name).Append('>');
    }

    private static string QualifiedName(XElement element)
    {
        string? prefix = element.Name.Namespace == XNamespace.None ? null : element.GetPrefixOfNamespace(element.Name.Namespace);
        return string.IsNullOrEmpty(prefix) ? element.Name.LocalName : prefix + ":" + element.Name.LocalName;
    }

    private static string AttributeName(XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration)
        {
            return attribute.Name.Namespace == XNamespace.None ? "xmlns" : "xmlns:" + attribute.Name.LocalName;
        }

        string? prefix = attribute.Name.Namespace == XNamespace.None ? null : attribute.Parent?.GetPrefixOfNamespace(attribute.Name.Namespace);
        return prefix is null ? attribute.Name.LocalName : prefix + ":" + attribute.Name.LocalName;
    }

    private static void Escape(StringBuilder output, string value, bool attribute)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '&': output.Append("&amp;"); break;
                case '<': output.Append("&lt;"); break;
                case '>': output.Append("&gt;"); break;
                case '"' when attribute: output.Append("&quot;"); break;
                case '\n' when attribute: output.Append("&#10;"); break;
                case '\r': output.Append("&#13;"); break;
                case '\t' when attribute: output.Append("&#9;"); break;
                default: output.Append(c); break;
            }
        }
    }
}
