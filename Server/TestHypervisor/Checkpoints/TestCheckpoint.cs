using System.Text;
using LibvirtRemote.Server.TestHypervisor.Moments;

namespace LibvirtRemote.Server.TestHypervisor.Checkpoints;

/// <summary>One checkpoint of a test domain: its disks on top of what every moment has.</summary>
internal sealed class TestCheckpoint : Moment<TestCheckpoint>
{
    public TestCheckpoint(string name)
        : base(name)
    {
    }

    public List<CheckpointDisk> Disks { get; } = [];

    /// <summary>The checkpoint's XML in libvirt's layout; the domain (formatted as inactive) is left out when asked.</summary>
    public string Format(bool withDomain, bool secure)
    {
        var text = new StringBuilder("<domaincheckpoint>\n");
        AppendNameAndDescription(text);
        AppendParentAndCreationTime(text);
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
            AppendDomain(text, secure);
        }

        return text.Append("</domaincheckpoint>\n").ToString();
    }
}
