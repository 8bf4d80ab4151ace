using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Snapshots;

/// <summary>
/// Matches a new snapshot's disk requests to the domain's disks as libvirt's test driver does: every domain disk gets
/// an entry, unnamed ones take the default location (external when the memory goes to a file, else internal, and then
/// every disk must be internal), and an external disk without a file gets a name made from its source, which must be
/// a regular file on this host.
/// </summary>
internal static class SnapshotDiskAlignment
{
    /// <summary>One parsed <c>&lt;disk&gt;</c> of the snapshot XML.</summary>
    private sealed class DiskRequest
    {
        public required string Name { get; set; }

        public string? Snapshot { get; set; }

        public string Type { get; init; } = "file";

        public string? Path { get; set; }

        public string? Format { get; init; }
    }

    /// <summary>
    /// Returns the snapshot's disk elements in the domain's disk order, or throws libvirt's error. Unnamed disks default
    /// to external when <paramref name="externalDefault"/>, else to internal, and then every disk must be internal.
    /// The test driver refuses manual mode for a new snapshot (<paramref name="newSnapshot"/>) before anything else;
    /// a redefinition skips that check.
    /// </summary>
    public static List<XElement> Align(IEnumerable<XElement> domainDevices, List<XElement> requested, string snapshotName, bool externalDefault, bool newSnapshot = true)
    {
        List<DiskRequest> asked = [.. requested.Select(ParseDisk)];
        if (newSnapshot && asked.Exists(d => d.Snapshot == "manual"))
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Test, "Operation not supported: 'manual' snapshot mode is not supported by the test driver");
        }

        List<XElement> disks = [.. domainDevices.Where(d => d.Name.LocalName == "disk")];
        string defaultLocation = externalDefault ? "external" : "internal";
        bool requireMatch = !externalDefault;
        if (asked.Count > disks.Count)
        {
            throw Unsupported("too many disk snapshot requests for domain");
        }

        if (disks.Count == 0)
        {
            return [.. asked.Select(Format)];
        }

        var byTarget = new Dictionary<string, DiskRequest>(StringComparer.Ordinal);
        foreach (DiskRequest disk in asked)
        {
            XElement domainDisk = FindDisk(disks, disk.Name) ?? throw Unsupported($"no disk named '{disk.Name}'");
            string target = Target(domainDisk)!;
            if (!byTarget.TryAdd(target, disk))
            {
                throw Unsupported($"disk '{disk.Name}' specified twice");
            }

            string? configured = (string?)domainDisk.Attribute("snapshot");
            if (disk.Snapshot is null)
            {
                disk.Snapshot = configured is not null && (!requireMatch || configured == "no") ? configured : defaultLocation;
            }
            else if (requireMatch && disk.Snapshot != defaultLocation && !(disk.Snapshot == "no" && configured == "no"))
            {
                throw Unsupported($"disk '{disk.Name}' must use snapshot mode '{defaultLocation}'");
            }

            if (disk.Path is not null && disk.Snapshot != "external")
            {
                throw Unsupported($"file '{disk.Path}' for disk '{disk.Name}' requires use of external snapshot mode");
            }

            disk.Name = target;
        }

        var aligned = new List<(DiskRequest Request, XElement DomainDisk)>();
        foreach (XElement domainDisk in disks)
        {
            string target = Target(domainDisk) ?? string.Empty;
            if (!byTarget.TryGetValue(target, out DiskRequest? disk))
            {
                disk = new DiskRequest
                {
                    Name = target,
                    Snapshot = SourcePath(domainDisk) is null ? "no" : (string?)domainDisk.Attribute("snapshot") ?? defaultLocation,
                };
            }

            aligned.Add((disk, domainDisk));
        }

        AssignExternalNames(aligned, snapshotName);
        return [.. aligned.Select(a => Format(a.Request))];
    }

    /// <summary>Whether a disk request asks for an external snapshot, explicitly or by naming a file or format.</summary>
    public static bool RequestsExternal(List<XElement> requested) => requested.Exists(d => ParseDisk(d).Snapshot == "external");

    private static DiskRequest ParseDisk(XElement element)
    {
        string name = (string?)element.Attribute("name")
            ?? throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.DomainSnapshot, "internal error: missing name from disk snapshot element");
        string type = (string?)element.Attribute("type") ?? "file";
        if (type is "volume" or "dir")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, $"XML error: unsupported disk snapshot type '{type}'");
        }

        XElement? source = element.Element("source");
        string? path = (string?)source?.Attribute("file") ?? (string?)source?.Attribute("dev");
        if (path is not null && !path.StartsWith('/'))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.DomainSnapshot, $"XML error: disk snapshot image path '{path}' must be absolute");
        }

        string? format = (string?)element.Element("driver")?.Attribute("type");
        string? snapshot = (string?)element.Attribute("snapshot");
        return new DiskRequest
        {
            Name = name,
            Snapshot = snapshot ?? (path is not null || format is not null ? "external" : null),
            Type = type,
            Path = path,
            Format = format,
        };
    }

    /// <summary>An external disk without a file gets its source's name without the suffix, then a dot and the snapshot name.</summary>
    private static void AssignExternalNames(List<(DiskRequest Request, XElement DomainDisk)> aligned, string snapshotName)
    {
        for (int i = 0; i < aligned.Count; i++)
        {
            DiskRequest disk = aligned[i].Request;
            if (disk.Snapshot != "external" || disk.Path is not null)
            {
                continue;
            }

            if (disk.Type != "file")
            {
                throw Unsupported($"cannot generate external snapshot name for disk '{disk.Name}' on a '{disk.Type}' device");
            }

            string origin = SourcePath(aligned[i].DomainDisk)
                ?? throw Unsupported($"cannot generate external snapshot name for disk '{disk.Name}' without source");
            // File.Exists is false for directories and missing files, which is what matters here; device nodes pass it
            // where libvirt's check would not, a difference no test domain meets.
            if (!File.Exists(origin))
            {
                throw Unsupported($"source for disk '{disk.Name}' is not a regular file; refusing to generate external snapshot name");
            }

            int dot = origin.LastIndexOf('.');
            string stem = dot >= 0 && origin.IndexOf('/', dot) < 0 ? origin[..dot] : origin;
            disk.Path = $"{stem}.{snapshotName}";
            for (int j = 0; j < i; j++)
            {
                if (aligned[j].Request.Path == disk.Path)
                {
                    throw Unsupported($"cannot generate external snapshot name for disk '{disk.Name}': collision with disk '{aligned[j].Request.Name}'");
                }
            }
        }
    }

    private static XElement Format(DiskRequest disk)
    {
        var element = new XElement("disk", new XAttribute("name", disk.Name));
        if (disk.Snapshot is not null)
        {
            element.Add(new XAttribute("snapshot", disk.Snapshot));
        }

        if (disk.Path is not null || disk.Format is not null)
        {
            element.Add(new XAttribute("type", disk.Type));
            if (disk.Format is not null)
            {
                element.Add(new XElement("driver", new XAttribute("type", disk.Format)));
            }

            if (disk.Path is not null)
            {
                element.Add(new XElement("source", new XAttribute(disk.Type == "block" ? "dev" : "file", disk.Path)));
            }
        }

        return element;
    }

    /// <summary>A disk by target name, or by source path when exactly one disk has it.</summary>
    private static XElement? FindDisk(List<XElement> disks, string name)
    {
        XElement? byTarget = disks.Find(d => Target(d) == name);
        if (byTarget is not null)
        {
            return byTarget;
        }

        List<XElement> bySource = disks.FindAll(d => SourcePath(d) == name);
        return bySource.Count == 1 ? bySource[0] : null;
    }

    private static string? Target(XElement disk) => (string?)disk.Element("target")?.Attribute("dev");

    private static string? SourcePath(XElement disk)
    {
        XElement? source = disk.Element("source");
        return (string?)source?.Attribute("file") ?? (string?)source?.Attribute("dev") ?? (string?)source?.Attribute("dir") ?? (string?)source?.Attribute("name");
    }

    private static LibvirtErrorException Unsupported(string message)
        => new(ErrorCode.ConfigUnsupported, ErrorDomain.DomainSnapshot, $"unsupported configuration: {message}");
}
