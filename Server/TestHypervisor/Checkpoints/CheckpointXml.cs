using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Checkpoints;

/// <summary>Reads the <c>&lt;domaincheckpoint&gt;</c> documents checkpoint-create and its redefine mode accept.</summary>
internal static class CheckpointXml
{
    /// <summary>What a client's checkpoint XML says; parent, creation time and domain count only when redefining.</summary>
    internal sealed record Request(
        string? Name, string? Description, long CreationTime, string? ParentName, List<CheckpointDisk> Disks, DomainDefinition? Domain);

    public static Request Parse(string xml, bool redefine)
    {
        XElement root = TestXml.ParseElement(xml, "domain_checkpoint", ErrorDomain.DomainCheckpoint);
        if (root.Name.LocalName != "domaincheckpoint")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: expecting root element of 'domaincheckpoint', not '{root.Name.LocalName}'");
        }

        CheckpointSchema.Validate(root);

        string? name = NonEmpty(root.Element("name")?.Value);
        string? description = NonEmpty(root.Element("description")?.Value);
        string? parent = null;
        long creation = 0;
        DomainDefinition? domain = null;
        if (redefine)
        {
            if (name is null)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainCheckpoint, "XML error: a redefined checkpoint must have a name");
            }

            if (!long.TryParse(root.Element("creationTime")?.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out creation))
            {
                throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.DomainCheckpoint, "internal error: missing creationTime from existing checkpoint");
            }

            parent = NonEmpty(root.Element("parent")?.Element("name")?.Value);
            if (root.Element("domain") is { } domainElement)
            {
                domain = DomainDefinition.Parse(domainElement.ToString());
                domain.ApplyDefaults();
            }
        }

        var disks = new List<CheckpointDisk>();
        foreach (XElement disk in root.Element("disks")?.Elements() ?? [])
        {
            // A disk without a checkpoint attribute asks for a bitmap.
            disks.Add(new CheckpointDisk((string?)disk.Attribute("name") ?? string.Empty, (string?)disk.Attribute("checkpoint") ?? "bitmap", (string?)disk.Attribute("bitmap")));
        }

        return new Request(name, description, creation, parent, disks, domain);
    }

    /// <summary>
    /// Lines the requested disks up with the domain's: one entry per domain disk in the domain's order, named by target,
    /// with bitmaps for every writable disk when none were requested and bitmap names defaulting to the checkpoint's.
    /// </summary>
    public static List<CheckpointDisk> AlignDisks(string checkpointName, List<CheckpointDisk> requested, DomainDefinition domain)
    {
        List<XElement> domainDisks = domain.Devices.FindAll(d => d.Name.LocalName == "disk");
        if (requested.Count > domainDisks.Count)
        {
            throw Unsupported("too many disk checkpoint requests for domain");
        }

        if (domainDisks.Count == 0)
        {
            throw Unsupported("domain must have at least one disk to perform checkpoints");
        }

        var byTarget = new Dictionary<string, CheckpointDisk>(StringComparer.Ordinal);
        foreach (CheckpointDisk disk in requested)
        {
            XElement match = domainDisks.Find(d => Target(d) == disk.Name)
                ?? domainDisks.Find(d => SourcePath(d) == disk.Name)
                ?? throw Unsupported($"no disk named '{disk.Name}'");
            string target = Target(match) ?? disk.Name;
            if (byTarget.ContainsKey(target))
            {
                throw Unsupported($"disk '{disk.Name}' specified twice");
            }

            if (IsEmptyOrReadOnly(match) && disk.Type != "no")
            {
                throw Unsupported($"disk '{disk.Name}' is empty or readonly");
            }

            byTarget[target] = disk with { Name = target };
        }

        // Omitted disks get no checkpoint when some were named, and a bitmap otherwise.
        string? fallback = requested.Count == 0 ? "bitmap" : "no";
        var aligned = new List<CheckpointDisk>(domainDisks.Count);
        foreach (XElement domainDisk in domainDisks)
        {
            string target = Target(domainDisk) ?? string.Empty;
            aligned.Add(byTarget.TryGetValue(target, out CheckpointDisk? asked)
                ? asked
                : new CheckpointDisk(target, IsEmptyOrReadOnly(domainDisk) ? "no" : fallback, null));
        }

        return AssignBitmapNames(checkpointName, aligned);
    }

    /// <summary>Gives every bitmap disk without a bitmap name the checkpoint's name.</summary>
    public static List<CheckpointDisk> AssignBitmapNames(string checkpointName, List<CheckpointDisk> disks)
        => disks.ConvertAll(d => d.Type == "bitmap" && d.Bitmap is null ? d with { Bitmap = checkpointName } : d);

    private static string? Target(XElement disk) => (string?)disk.Element("target")?.Attribute("dev");

    private static string? SourcePath(XElement disk)
    {
        XElement? source = disk.Element("source");
        return (string?)source?.Attribute("file") ?? (string?)source?.Attribute("dev") ?? (string?)source?.Attribute("dir");
    }

    private static bool IsEmptyOrReadOnly(XElement disk)
    {
        if (disk.Element("readonly") is not null)
        {
            return true;
        }

        string type = (string?)disk.Attribute("type") ?? "file";
        XElement? source = disk.Element("source");
        return type switch
        {
            "file" or "block" or "dir" => SourcePath(disk) is null,
            "network" or "volume" or "nvme" or "vhostuser" => source is null,
            _ => false,
        };
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static LibvirtErrorException Unsupported(string message)
        => new(ErrorCode.ConfigUnsupported, ErrorDomain.DomainCheckpoint, $"unsupported configuration: {message}");
}
