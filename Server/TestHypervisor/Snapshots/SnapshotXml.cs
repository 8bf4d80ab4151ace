using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor.Snapshots;

/// <summary>Reads the <c>&lt;domainsnapshot&gt;</c> documents snapshot-create and its redefine mode accept.</summary>
internal static class SnapshotXml
{
    /// <summary>What a client's snapshot XML says; for a new snapshot only the name, description, memory and disks count.</summary>
    internal sealed record Request(
        string? Name, string? Description, string? State, long CreationTime, string? ParentName, string? Memory,
        string? MemoryFile, List<XElement> Disks, DomainDefinition? Domain);

    public static Request Parse(string xml, bool redefine)
    {
        XElement root = TestXml.ParseElement(xml, "domain_snapshot", ErrorDomain.DomainSnapshot);

        if (root.Name.LocalName != "domainsnapshot")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: expecting root element of 'domainsnapshot', not '{root.Name.LocalName}'");
        }

        string? name = root.Element("name")?.Value;
        string? description = root.Element("description")?.Value;
        string? state = null, parent = null;
        long creation = 0;
        DomainDefinition? domain = null;
        if (redefine)
        {
            if (name is null)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, "XML error: a redefined snapshot must have a name");
            }

            if (!long.TryParse(root.Element("creationTime")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out creation))
            {
                throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.DomainSnapshot, "internal error: missing creationTime from existing snapshot");
            }

            parent = root.Element("parent")?.Element("name")?.Value;
            state = root.Element("state")?.Value
                ?? throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, "XML error: missing state from existing snapshot");
            if (state is not ("running" or "blocked" or "paused" or "shutdown" or "shutoff" or "crashed" or "pmsuspended" or "disk-snapshot"))
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.DomainSnapshot, $"unsupported configuration: Invalid state '{state}' in domain snapshot XML");
            }

            if (root.Element("domain") is { } domainElement && domainElement.Attribute("type") is not null)
            {
                domain = DomainDefinition.Parse(domainElement.ToString());
                domain.ApplyDefaults();
            }
        }

        XElement? memoryElement = root.Element("memory");
        string? memory = (string?)memoryElement?.Attribute("snapshot");
        string? memoryFile = (string?)memoryElement?.Attribute("file");
        if (memory == "manual")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, "XML error: 'manual' memory snapshot mode not supported");
        }

        if (memory is null && memoryFile is not null)
        {
            memory = "external";
        }

        if (memoryFile is not null && memory != "external")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, $"XML error: memory filename '{memoryFile}' requires external snapshot");
        }

        if (memoryFile is null && memory == "external")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, "XML error: external memory snapshots require a filename");
        }

        if (memoryFile is not null && !memoryFile.StartsWith('/'))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, $"XML error: memory snapshot file path ({memoryFile}) must be absolute");
        }

        List<XElement> disks = root.Element("disks")?.Elements("disk").Select(d => new XElement(d)).ToList() ?? [];
        return new Request(name, description, state, creation, parent, memory, memoryFile, disks, domain);
    }
}
