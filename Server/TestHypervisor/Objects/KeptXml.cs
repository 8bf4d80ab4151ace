using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>Writes elements the test hypervisor keeps as the client wrote them, in libvirt's indentation.</summary>
internal static class KeptXml
{
    public static void Write(LibvirtXmlWriter w, XElement element)
    {
        (string, string?)[] attributes = [.. element.Attributes().Where(a => !a.IsNamespaceDeclaration).Select(a => (a.Name.LocalName, (string?)a.Value))];
        if (element.HasElements)
        {
            w.Open(element.Name.LocalName, attributes);
            foreach (XElement child in element.Elements())
            {
                Write(w, child);
            }

            w.Close(element.Name.LocalName);
        }
        else if (element.Name.LocalName is "bandwidth" or "portgroup" && element.Value.Length == 0)
        {
            // libvirt writes these two as an open/close pair even when nothing is inside.
            w.Open(element.Name.LocalName, attributes);
            w.Close(element.Name.LocalName);
        }
        else if (element.Value.Length > 0)
        {
            w.Text(element.Name.LocalName, element.Value, attributes);
        }
        else
        {
            w.Empty(element.Name.LocalName, attributes);
        }
    }
}
