using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>A storage pool of the test hypervisor with its volumes; guarded by <see cref="TestState.Gate"/>.</summary>
internal sealed class TestStoragePool
{
    /// <summary>Every pool the test driver creates reports 100 GiB.</summary>
    public const ulong DefaultCapacity = 100UL * 1024 * 1024 * 1024;

    // Pool types in the order of libvirt's enum, which also numbers the ListAll type filter bits (1 << (6 + index)).
    private static readonly string[] Types = ["dir", "fs", "netfs", "logical", "disk", "iscsi", "scsi", "mpath", "rbd", "sheepdog", "gluster", "zfs", "vstorage", "iscsi-direct"];

    public required string Type { get; init; }

    public required string Name { get; init; }

    public required Guid Uuid { get; init; }

    public string? TargetPath { get; init; }

    /// <summary>The target's permissions as libvirt writes them back (mode in octal with a leading 0), or null.</summary>
    public XElement? TargetPermissions { get; init; }

    /// <summary>The cow feature's state ("yes" or "no"), or null when the XML did not set it.</summary>
    public string? CowFeature { get; init; }

    /// <summary>The refresh element's volume allocation policy, or null when the XML had none.</summary>
    public string? RefreshAllocation { get; init; }

    /// <summary>The source element's children as given, re-indented on output.</summary>
    public List<XElement> Source { get; init; } = [];

    public ulong Capacity { get; set; } = DefaultCapacity;

    public ulong Allocation { get; set; }

    public ulong Available => Capacity - Allocation;

    public bool Active { get; set; }

    /// <summary>libvirt's test driver calls a pool persistent when it has a (here always empty) config file.</summary>
    public bool Persistent { get; set; }

    public bool Autostart { get; set; }

    public List<TestStorageVolume> Volumes { get; } = [];

    /// <summary>The ListAll filter bit of this pool's type.</summary>
    public uint TypeFilterBit => 1u << (6 + Array.IndexOf(Types, Type));

    /// <summary>What a volume of this pool reports as its type: 0 file, 1 block, 3 network.</summary>
    public int VolumeType => Type switch
    {
        "dir" or "fs" or "netfs" or "vstorage" => 0,
        "sheepdog" or "iscsi-direct" or "gluster" or "rbd" => 3,
        _ => 1,
    };

    /// <summary>Parses pool XML with libvirt's errors for the common mistakes.</summary>
    public static TestStoragePool Parse(string xml)
    {
        XElement root = TestXml.ParseRoot(xml, "storage_pool_definition", "pool", ErrorDomain.Storage);
        string? type = (string?)root.Attribute("type");
        if (type is null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, "XML error: Missing required attribute 'type' in element 'pool'");
        }

        if (Array.IndexOf(Types, type) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'type' in element 'pool': '{type}'.");
        }

        string? name = root.Element("name")?.Value is { Length: > 0 } given ? given : null;
        (List<XElement> source, string? sourceName) = TestPoolSource.Read(type, root.Element("source"), ref name);
        if (string.IsNullOrEmpty(name))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: missing pool source name element");
        }

        if (name.Contains('/'))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, $"XML error: name {name} cannot contain '/'");
        }

        Guid uuid = TestXml.ReadUuid(root, ErrorDomain.Storage);
        string? cow = PoolExtras.ParseCow(root, type);
        string? path = type switch
        {
            // These two place their volumes under the source's name and ignore the target the client gives.
            "logical" => $"/dev/{sourceName}",
            "zfs" => $"/dev/zvol/{sourceName}",
            _ => root.Element("target")?.Element("path")?.Value,
        };
        bool networkOnly = TestPoolSource.IsNetworkOnly(type);
        if (string.IsNullOrEmpty(path) && !networkOnly)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: missing storage pool target path");
        }

        if (type == "iscsi-direct" && string.IsNullOrEmpty((string?)root.Element("source")?.Element("initiator")?.Element("iqn")?.Attribute("name")))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, "unsupported configuration: missing initiator IQN");
        }

        string? refresh = PoolExtras.ParseRefresh(root);
        return new TestStoragePool
        {
            CowFeature = cow,
            RefreshAllocation = refresh,
            Type = type,
            Name = name,
            Uuid = uuid,
            TargetPath = string.IsNullOrEmpty(path) || networkOnly ? null : TestPoolSource.SanitizePath(path),
            TargetPermissions = networkOnly ? null : ParsePermissions(root.Element("target")?.Element("permissions")),
            Source = source,
        };
    }

    /// <summary>Formats the pool as libvirt's pool formatter lays it out.</summary>
    public string Format()
    {
        var w = new LibvirtXmlWriter();
        w.Open("pool", ("type", Type));
        w.Text("name", Name);
        w.Text("uuid", TestUuid.Format(Uuid));
        w.Bytes("capacity", Capacity);
        w.Bytes("allocation", Allocation);
        w.Bytes("available", Available);
        if (CowFeature is not null)
        {
            w.Open("features");
            w.Empty("cow", ("state", CowFeature));
            w.Close("features");
        }

        w.Open("source");
        foreach (XElement element in Source)
        {
            KeptXml.Write(w, element);
        }

        w.Close("source");
        if (TargetPath is not null)
        {
            w.Open("target");
            w.Text("path", TargetPath);
            if (TargetPermissions is not null)
            {
                KeptXml.Write(w, TargetPermissions);
            }

            w.Close("target");
        }

        if (RefreshAllocation is not null)
        {
            w.Open("refresh");
            w.Empty("volume", ("allocation", RefreshAllocation));
            w.Close("refresh");
        }

        w.Close("pool");
        return w.ToString();
    }

    private static XElement? ParsePermissions(XElement? permissions)
    {
        if (permissions is null)
        {
            return null;
        }

        string? mode = permissions.Element("mode")?.Value.Trim();
        if (mode is not null)
        {
            int bits;
            try
            {
                bits = Convert.ToInt32(mode, 8);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: malformed octal mode");
            }

            if ((bits & ~0x1ff) != 0)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: malformed octal mode");
            }

            mode = "0" + Convert.ToString(bits, 8);
        }

        string? label = permissions.Element("label")?.Value.Trim();
        XElement[] children =
        [
            .. new[] { ("mode", mode), ("owner", StoragePermissionIds.Normalise(permissions.Element("owner"))), ("group", StoragePermissionIds.Normalise(permissions.Element("group"))), ("label", string.IsNullOrEmpty(label) ? null : label) }
                .Where(c => c.Item2 is not null)
                .Select(c => new XElement(c.Item1, c.Item2)),
        ];
        return children.Length == 0 ? null : new XElement("permissions", children);
    }
}
