using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Cpu;

/// <summary>
/// A host &lt;cpu&gt; description as a client hands it to the baseline call, parsed with libvirt's checks for host CPUs
/// (an architecture and a model are required, no mode, features named once each).
/// </summary>
internal sealed record HostCpuDefinition(string Arch, string Model, string? Vendor, IReadOnlyList<string> Features)
{
    public static HostCpuDefinition Parse(string xml, IReadOnlySet<string> architectures)
    {
        XElement cpu = TestXml.ParseElement(xml, "CPU_definition", ErrorDomain.Cpu);
        if (cpu.Name.LocalName != "cpu")
        {
            throw XmlError("XML does not contain expected 'cpu' element");
        }

        if (cpu.Attribute("mode") is not null)
        {
            throw Unsupported("Attribute mode is only allowed for guest CPU");
        }

        if (cpu.Attribute("migratable") is { } migratable)
        {
            if (migratable.Value is not ("on" or "off"))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Cpu, $"XML error: Invalid value for attribute 'migratable' in element 'cpu': '{migratable.Value}'. Expected one of: on, off");
            }

            throw Unsupported("Attribute migratable is only allowed for 'host-passthrough' / 'maximum' CPU mode");
        }

        // libvirt reads these with string() XPath, where an empty text counts as absent.
        string arch = Text(cpu, "arch") ?? throw XmlError("Missing CPU architecture");
        if (!architectures.Contains(arch))
        {
            throw Unsupported($"Unknown architecture {arch}");
        }

        string model = Text(cpu, "model") ?? throw XmlError("Missing CPU model name");
        string? vendor = Text(cpu, "vendor");
        var features = new List<string>();
        foreach (XElement feature in cpu.Elements("feature"))
        {
            string name = (string?)feature.Attribute("name") ?? "";
            if (name.Length == 0)
            {
                throw XmlError("Invalid CPU feature name");
            }

            if (features.Contains(name))
            {
                throw XmlError($"CPU feature '{name}' specified more than once");
            }

            features.Add(name);
        }

        if (cpu.Elements("cache").Count() > 1)
        {
            throw XmlError("at most one CPU cache element may be specified");
        }

        return new HostCpuDefinition(arch, model, vendor, features);
    }

    private static string? Text(XElement cpu, string child) => cpu.Element(child)?.Value is { Length: > 0 } value ? value : null;

    private static LibvirtErrorException XmlError(string message) => new(ErrorCode.XmlError, ErrorDomain.Cpu, "XML error: " + message);

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.Cpu, "unsupported configuration: " + message);
}
