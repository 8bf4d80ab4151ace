using System.Text;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor.Moments;

/// <summary>
/// What snapshots and checkpoints share (libvirt calls both "moments"): a name, a description, a creation time, the
/// domain configuration captured, and a place in the domain's tree of them.
/// </summary>
/// <typeparam name="T">The concrete kind, so parents and children are typed.</typeparam>
internal abstract class Moment<T>
    where T : Moment<T>
{
    protected Moment(string name) => Name = name;

    public string Name { get; }

    public string? Description { get; set; }

    /// <summary>Seconds since the epoch; zero is not written, as libvirt omits it.</summary>
    public long CreationTime { get; set; }

    /// <summary>The domain configuration captured; null for a redefinition without one.</summary>
    public DomainDefinition? Domain { get; set; }

    /// <summary>Null for a root.</summary>
    public T? Parent { get; set; }

    /// <summary>Newest first, which is the order libvirt links children in.</summary>
    public List<T> Children { get; } = [];

    protected static string Escape(string value)
        => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("'", "&apos;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);

    protected void AppendNameAndDescription(StringBuilder text)
    {
        text.Append("  <name>").Append(Escape(Name)).Append("</name>\n");
        if (Description is not null)
        {
            text.Append("  <description>").Append(Escape(Description)).Append("</description>\n");
        }
    }

    protected void AppendParentAndCreationTime(StringBuilder text)
    {
        if (Parent is not null)
        {
            text.Append("  <parent>\n    <name>").Append(Escape(Parent.Name)).Append("</name>\n  </parent>\n");
        }

        if (CreationTime != 0)
        {
            text.Append("  <creationTime>").Append(CreationTime).Append("</creationTime>\n");
        }
    }

    /// <summary>The captured domain, formatted as inactive and indented one level under the moment's root element.</summary>
    protected void AppendDomain(StringBuilder text, bool secure)
    {
        foreach (string line in Domain!.Format(-1, secure).Split('\n'))
        {
            if (line.Length > 0)
            {
                text.Append("  ").Append(line.TrimEnd('\r')).Append('\n');
            }
        }
    }
}
