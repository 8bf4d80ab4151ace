using System.Text;
using System.Xml.Linq;
using LibvirtRemote.Server.TestHypervisor.Domains;
using LibvirtRemote.Server.TestHypervisor.Moments;

namespace LibvirtRemote.Server.TestHypervisor.Snapshots;

/// <summary>One snapshot of a test domain: its state, memory and disks on top of what every moment has.</summary>
internal sealed class TestSnapshot : Moment<TestSnapshot>
{
    public TestSnapshot(string name)
        : base(name)
    {
    }

    /// <summary>libvirt's snapshot state word: running, paused, shutoff, disk-snapshot (null when unknown).</summary>
    public string? State { get; set; }

    /// <summary>The memory element's snapshot attribute (no, internal, external); null leaves the element out.</summary>
    public string? Memory { get; set; }

    public string? MemoryFile { get; set; }

    /// <summary>Per-disk snapshot elements, kept as given so redefinitions round-trip.</summary>
    public List<XElement> Disks { get; } = [];

    public bool IsExternal
        => Memory == "external" || Disks.Exists(d => (string?)d.Attribute("snapshot") == "external");

    /// <summary>The snapshot's XML in the layout libvirt writes (domain formatted as inactive, indented under the root).</summary>
    public string Format(byte[] domainUuid, bool secure)
    {
        var text = new StringBuilder("<domainsnapshot>\n");
        AppendNameAndDescription(text);
        if (State is not null)
        {
            text.Append("  <state>").Append(State).Append("</state>\n");
        }

        AppendParentAndCreationTime(text);

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
            AppendDomain(text, secure);
        }
        else
        {
            text.Append("  <domain>\n    <uuid>").Append(DomainDefinition.FormatUuid(domainUuid)).Append("</uuid>\n  </domain>\n");
        }

        return text.Append("</domainsnapshot>\n").ToString();
    }
}
