using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// The domain's &lt;seclabel&gt; elements as libvirt reads a definition and writes it back: a label without a type
/// kept out of the output (libvirt's unwritten default type), relabelling on for dynamic labels and off for static and none, the image label (a runtime value) not kept,
/// and libvirt's refusals of contradicting or repeated labels.
/// </summary>
internal static class DomainSeclabels
{
    private static readonly string[] Types = ["none", "dynamic", "static"];

    /// <summary>Replaces the seclabels among the top-level <paramref name="elements"/> with libvirt's form.</summary>
    public static void Apply(List<XElement> elements)
    {
        var seen = new List<string?>();
        for (int i = 0; i < elements.Count; i++)
        {
            if (elements[i].Name.LocalName != "seclabel")
            {
                continue;
            }

            XElement label = Normalise(elements[i]);
            string? model = (string?)label.Attribute("model");
            if (model is not null && seen.Contains(model))
            {
                throw new LibvirtErrorException(ErrorCode.XmlDetail, ErrorDomain.Domain, $"seclabel for model {model} is already provided");
            }

            seen.Add(model);
            elements[i] = label;
        }

        elements.RemoveAll(e => e.Name.LocalName == "seclabel" && (string?)e.Attribute("type") == "default");

        if (seen.Count > 1 && seen.Contains(null))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: missing security model when using multiple labels");
        }
    }

    private static XElement Normalise(XElement seclabel)
    {
        string? model = (string?)seclabel.Attribute("model");
        string? given = (string?)seclabel.Attribute("type");
        string type = given ?? "default";
        if (given is not null && Array.IndexOf(Types, type) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'type' in element 'seclabel': '{type}'.");
        }

        bool relabel = TestXml.YesNo(seclabel, "relabel") is string relabelText ? relabelText == "yes" : type is "dynamic" or "default";

        if (type == "dynamic" && !relabel)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: dynamic label type must use resource relabeling");
        }

        if (type == "none" && relabel)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: resource relabeling is not compatible with 'none' label type");
        }

        if (model == "none" || type == "none")
        {
            return new XElement("seclabel", new XAttribute("type", "none"), model is null ? null : new XAttribute("model", model));
        }

        // Without a type the label is libvirt's "default" one, which it keeps but never writes.
        if (type == "default")
        {
            return new XElement("seclabel", model is null ? null : new XAttribute("model", model), new XAttribute("type", "default"));
        }

        string? text = type == "static" ? seclabel.Element("label")?.Value : null;
        if (type == "static" && string.IsNullOrEmpty(text))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: security label is missing");
        }

        string? baseLabel = type == "dynamic" ? seclabel.Element("baselabel")?.Value : null;
        return new XElement(
            "seclabel",
            new XAttribute("type", type),
            model is null ? null : new XAttribute("model", model),
            new XAttribute("relabel", relabel ? "yes" : "no"),
            string.IsNullOrEmpty(text) ? null : new XElement("label", text),
            string.IsNullOrEmpty(baseLabel) ? null : new XElement("baselabel", baseLabel));
    }
}
