using System.Text;
using System.Xml.Linq;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor.Snapshots;

/// <summary>One snapshot of a test domain: its metadata, the domain configuration it captured and its place in the tree.</summary>
internal sealed class TestSnapshot
{
    public TestSnapshot(string name) => Name = name;

    public string Name { get; }

    public string? Description { get; set; }

    /// <summary>libvirt's snapshot state word: running, paused, shutoff, disk-snapshot (null when unknown).</summary>
    public string? State { get; set; }

    /// <summary>Seconds since the epoch; zero is not written, as libvirt omits it.</summary>
    public long CreationTime { get; set; }

    /// <summary>The memory element's snapshot attribute (no, internal, external); null leaves the element out.</summary>
    public string? Memory { get; set; }

    public string? MemoryFile { get; set; }

    /// <summary>Per-disk snapshot elements, kept as given so redefinitions round-trip.</summary>
    public List<XElement> Disks { get; } = [];

    /// <summary>The domain configuration captured; null for a redefinition without one.</summary>
    public DomainDefinition? Domain { get; set; }

    /// <summary>Null for a root.</summary>
    public TestSnapshot? Parent { get; set; }

    /// <summary>Newest first, which is the order libvirt links children in.</summary>
    public List<TestSnapshot> Children { get; } = [];

    public bool IsExternal
        => Memory == "external" || Disks.Exists(d => (string?)d.Attribute("snapshot") == "external");

    /// <summary>The snapshot's XML in the layout libvirt writes (domain formatted as inactive, indented under the root).</summary>
    public string Format(byte[] domainUuid, bool secure)
    {
        var text = new StringBuilder("<domainsnapshot>\n");
        text.Append("  <name>").Append(Escape(Name)).Append("</name>\n");
        if (Description is not null)
        {
            text.Append("  <description>").Append(Escape(Description)).Append("</description>\n");
        }

        if (State is not null)
        {
            text.Append("  <state>").Append(State).Append("</state>\n");
        }

        if (Parent is not null)
        {
            text.Append("  <parent>\n    <name>").Append(Escape(Parent.Name)).Append("</name>\n  </parent>\n");
        }

        if (CreationTime != 0)
        {
            text.Append("  <creationTime>").Append(CreationTime).Append("</creationTime>\n");
        }

        if (Memory is not null)
        {
            text.Append("  <memory snapshot='").Append(Memory).Append('\'');
            if (MemoryFile is not null)
            {
                text.Append(" file='").Append(Escape(MemoryFile)).Append('\'');
            }

            text.Append("/>\n");
        }

        if (Disks.Count > 0)
        {
            text.Append("  <disks>\n");
            foreach (XElement disk in Disks)
            {
                LibvirtXmlWriter.WriteElement(text, disk, 2);
            }

            text.Append("  </disks>\n");
        }

        if (Domain is not null)
        {
            AppendIndented(text, Domain.Format(-1, secure), "  ");
        }
        else
        {
            text.Append("  <domain>\n    <uuid>").Append(DomainDefinition.FormatUuid(domainUuid)).Append("</uuid>\n  </domain>\n");
        }

        return text.Append("</domainsnapshot>\n").ToString();
    }

    private static void AppendIndented(StringBuilder text, string block, string indent)
    {
        foreach (string line in block.Split('\n'))
        {
            if (line.Length > 0)
            {
                text.Append(indent).Append(line.TrimEnd('\r')).Append('\n');
            }
        }
    }

    private static string Escape(string value)
        => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("'", "&apos;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);
}
