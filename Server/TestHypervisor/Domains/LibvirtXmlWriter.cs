using System.Text;
using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Writes XML the way libvirt's formatters do: two-space indentation, single-quoted attributes, empty elements
/// self-closed, text-only elements on one line. Clients diff this output, so the layout matters.
/// </summary>
internal static class LibvirtXmlWriter
{
    public static void WriteElement(StringBuilder output, XElement element, int depth)
    {
        string name = ElementName(element);
        output.Append(' ', depth * 2).Append('<').Append(name);
        foreach (XAttribute attribute in element.Attributes())
        {
            output.Append(' ').Append(QualifiedName(attribute)).Append("='");
            AppendEscaped(output, attribute.Value);
            output.Append('\'');
        }

        // libvirt writes a redirdev's closing tag on its own line even when nothing goes between, and so it does for
        // an interface's bandwidth whose limits were all cleared.
        if (!element.Nodes().Any() && ((element.Name.LocalName == "redirdev" && depth == 2) || element.Name.LocalName == "bandwidth"))
        {
            output.Append(">\n").Append(' ', depth * 2).Append("</").Append(element.Name.LocalName).Append(">\n");
            return;
        }

        if (!element.Nodes().Any())
        {
            output.Append("/>\n");
            return;
        }

        if (element.Nodes().All(node => node is XText))
        {
            output.Append('>');
            AppendEscaped(output, element.Value);
            output.Append("</").Append(name).Append(">\n");
            return;
        }

        output.Append(">\n");
        foreach (XNode node in element.Nodes())
        {
            switch (node)
            {
                case XElement child:
                    WriteElement(output, child, depth + 1);
                    break;
                case XText text when !string.IsNullOrWhiteSpace(text.Value):
                    output.Append(' ', (depth + 1) * 2);
                    AppendEscaped(output, text.Value.Trim());
                    output.Append('\n');
                    break;
            }
        }

        output.Append(' ', depth * 2).Append("</").Append(name).Append(">\n");
    }

    private static string ElementName(XElement element)
    {
        string? prefix = element.Name.Namespace == XNamespace.None ? null : element.GetPrefixOfNamespace(element.Name.Namespace);
        return prefix is null ? element.Name.LocalName : prefix + ":" + element.Name.LocalName;
    }

    private static string QualifiedName(XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration)
        {
            return attribute.Name.Namespace == XNamespace.None ? "xmlns" : "xmlns:" + attribute.Name.LocalName;
        }

        if (attribute.Name.Namespace == XNamespace.None)
        {
            return attribute.Name.LocalName;
        }

        string? prefix = attribute.Parent?.GetPrefixOfNamespace(attribute.Name.Namespace);
        return prefix is null ? attribute.Name.LocalName : prefix + ":" + attribute.Name.LocalName;
    }

    private static void AppendEscaped(StringBuilder output, string value)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '&': output.Append("&amp;"); break;
                case '<': output.Append("&lt;"); break;
                case '>': output.Append("&gt;"); break;
                case '\'': output.Append("&apos;"); break;
                case '"': output.Append("&quot;"); break;
                default: output.Append(c); break;
            }
        }
    }
}
