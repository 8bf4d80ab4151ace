using System.Text;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor.Checkpoints;

/// <summary>One checkpoint of a test domain: its metadata, the domain configuration it captured and its place in the tree.</summary>
internal sealed class TestCheckpoint
{
    public TestCheckpoint(string name) => Name = name;

    public string Name { get; }

    public string? Description { get; set; }

    /// <summary>Seconds since the epoch; zero is not written, as libvirt omits it.</summary>
    public long CreationTime { get; set; }

    public List<CheckpointDisk> Disks { get; } = [];

    /// <summary>The domain configuration captured; null for a redefinition without one.</summary>
    public DomainDefinition? Domain { get; set; }

    /// <summary>Null for a root.</summary>
    public TestCheckpoint? Parent { get; set; }

    /// <summary>Newest first, which is the order libvirt links children in.</summary>
    public List<TestCheckpoint> Children { get; } = [];

    /// <summary>The checkpoint's XML in libvirt's layout; the domain (formatted as inactive) is left out when asked.</summary>
    public string Format(bool withDomain, bool secure)
    {
        var text = new StringBuilder("<domaincheckpoint>\n");
        text.Append("  <name>").Append(Escape(Name)).Append("</name>\n");
        if (Description is not null)
        {
            text.Append("  <description>").Append(Escape(Description)).Append("</description>\n");
        }

        if (Parent is not null)
        {
            text.Append("  <parent>\n    <name>").Append(Escape(Parent.Name)).Append("</name>\n  </parent>\n");
        }

        if (CreationTime != 0)
        {
            text.Append("  <creationTime>").Append(CreationTime).Append("</creationTime>\n");
        }

        if (Disks.Count > 0)
        {
            text.Append("  <disks>\n");
            foreach (CheckpointDisk disk in Disks)
            {
                text.Append("    <disk name='").Append(Escape(disk.Name)).Append('\'');
                if (disk.Type is not null)
                {
                    text.Append(" checkpoint='").Append(disk.Type).Append('\'');
                }

                // libvirt's test driver never marks a size as known, so --size adds nothing here either.
                if (disk.Bitmap is not null)
                {
                    text.Append(" bitmap='").Append(Escape(disk.Bitmap)).Append('\'');
                }

                text.Append("/>\n");
            }

            text.Append("  </disks>\n");
        }

        if (withDomain && Domain is not null)
        {
            foreach (string line in Domain.Format(-1, secure).Split('\n'))
            {
                if (line.Length > 0)
                {
                    text.Append("  ").Append(line.TrimEnd('\r')).Append('\n');
                }
            }
        }

        return text.Append("</domaincheckpoint>\n").ToString();
    }

    private static string Escape(string value)
        => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("'", "&apos;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);
}
