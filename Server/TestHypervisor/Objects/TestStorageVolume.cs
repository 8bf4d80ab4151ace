using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A storage volume. libvirt's test driver keeps only metadata; this one also keeps the bytes written by uploads
/// (reads beyond them are zeros up to the capacity), so download and upload work in memory.
/// </summary>
internal sealed class TestStorageVolume
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    public required ulong Capacity { get; init; }

    public required ulong Allocation { get; init; }

    public string? Format { get; init; }

    /// <summary>The volume element's type attribute as written (file when absent); only info derives it from the pool.</summary>
    public string Type { get; init; } = "file";

    /// <summary>The target's permissions: mode (octal, 4 digits), owner, group, label; null when not given.</summary>
    public (string? Mode, string? Owner, string? Group, string? Label)? Permissions { get; init; }

    /// <summary>The qcow2 compatibility level (<c>target/compat</c>); libvirt sets "1.1" when features are given.</summary>
    public string? Compat { get; init; }

    /// <summary>The qcow2 features in libvirt's order, or null when the XML had no <c>target/features</c>.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>The target's encryption element in libvirt's layout, or null.</summary>
    public XElement? Encryption { get; init; }

    /// <summary>The qcow2 cluster size in bytes (<c>target/clusterSize</c>), or 0 when not given.</summary>
    public ulong ClusterSize { get; init; }

    /// <summary>The backing store the XML named (path, format, permissions), or null.</summary>
    public BackingStoreDef? BackingStore { get; init; }

    /// <summary>The written bytes (a prefix of the volume); guarded by <see cref="TestState.Gate"/>.</summary>
    public byte[] Content { get; set; } = [];

    /// <summary>Parses volume XML; <paramref name="pool"/> supplies the default format and the path.</summary>
    public static TestStorageVolume Parse(string xml, TestStoragePool pool)
    {
        XElement root = TestXml.ParseRoot(xml, "storage_volume_definition", "volume", ErrorDomain.Storage);
        string? name = root.Element("name")?.Value;
        if (string.IsNullOrEmpty(name))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: missing volume name element");
        }

        string type = (string?)root.Attribute("type") ?? "file";
        if (Array.IndexOf(VolumeTypes, type) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unknown volume type '{type}'");
        }

        XElement capacity = root.Element("capacity") ?? throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: missing capacity element");
        ulong bytes = Scaled(capacity, "capacity");
        ulong allocation = root.Element("allocation") is XElement a ? Scaled(a, "allocation") : bytes;
        // Pools whose volumes have no formats (logical, iscsi, ...) ignore a format the XML names.
        string? format = DefaultFormat(pool.Type) is null ? null : (string?)root.Element("target")?.Element("format")?.Attribute("type") ?? DefaultFormat(pool.Type);
        CheckFormat(format, pool.Type);

        (string?, string?, string?, string?)? permissions = ParsePermissions(root.Element("target")?.Element("permissions"));
        BackingStoreDef? backing = null;
        if (root.Element("backingStore")?.Element("path")?.Value is { Length: > 0 } backingPath)
        {
            string? backingFormat = (string?)root.Element("backingStore")?.Element("format")?.Attribute("type");
            CheckFormat(backingFormat, pool.Type);
            backing = new BackingStoreDef(backingPath, DefaultFormat(pool.Type) is null ? null : backingFormat ?? DefaultFormat(pool.Type), ParsePermissions(root.Element("backingStore")?.Element("permissions")));
        }

        XElement? encryption = root.Element("target")?.Element("encryption") is XElement given ? StorageSecretXml.ParseEncryption(given) : null;
        (string? compat, IReadOnlyList<string>? features, ulong clusterSize) = ParseQcow2Options(root.Element("target"));
        return new TestStorageVolume
        {
            Encryption = encryption,
            ClusterSize = clusterSize,
            Compat = compat,
            Features = features,
            Permissions = permissions,
            BackingStore = backing,
            Name = name,
            // libvirt joins a missing target path in as "(null)".
            Path = $"{pool.TargetPath ?? "(null)"}/{name}",
            Type = type,
            Capacity = bytes,
            Allocation = allocation,
            Format = format,
        };
    }

    private static (string? Mode, string? Owner, string? Group, string? Label)? ParsePermissions(XElement? perms)
    {
        if (perms is null)
        {
            return null;
        }

        string? mode = perms.Element("mode")?.Value.Trim();
        if (mode is not null)
        {
            try
            {
                int bits = Convert.ToInt32(mode, 8);
                if ((bits & ~0x1ff) != 0)
                {
                    throw new FormatException();
                }

                mode = "0" + Convert.ToString(bits, 8);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: malformed octal mode");
            }
        }

        string? owner = StoragePermissionIds.Normalise(perms.Element("owner"));
        string? group = StoragePermissionIds.Normalise(perms.Element("group"));
        string? label = perms.Element("label")?.Value.Trim();
        label = string.IsNullOrEmpty(label) ? null : label;

        // libvirt writes no permissions element when nothing in it is set.
        return mode is null && owner is null && group is null && label is null ? null : (mode, owner, group, label);
    }

    private static readonly string[] VolumeTypes = ["file", "block", "dir", "network", "netdir", "ploop"];

    /// <summary>The format libvirt's pool type table gives a volume that names none; null where the table has none.</summary>
    private static readonly string[] FileFormats = ["raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop", "cow", "qcow", "qcow2", "qed", "vmdk"];
    private static readonly string[] PartitionFormats = ["none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm", "linux-raid", "extended"];

    /// <summary>Pools whose volumes have formats accept only their own format names (file formats, or partition types).</summary>
    private static void CheckFormat(string? format, string poolType)
    {
        string[]? known = DefaultFormat(poolType) switch
        {
            "raw" => FileFormats,
            "none" => PartitionFormats,
            _ => null,
        };
        if (format is not null && known is not null && Array.IndexOf(known, format) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unknown volume format type {format}");
        }
    }

    private static string? DefaultFormat(string poolType) => poolType switch
    {
        "dir" or "fs" or "netfs" or "rbd" or "gluster" or "vstorage" => "raw",
        "disk" => "none",
        _ => null,
    };

    /// <summary>Formats the volume as libvirt's volume formatter lays it out.</summary>
    public string FormatXml(TestStoragePool pool)
    {
        var w = new LibvirtXmlWriter();
        w.Open("volume", ("type", Type));
        w.Text("name", Name);
        w.Text("key", Path);
        w.Bytes("capacity", Capacity);
        w.Bytes("allocation", Allocation);
        w.Open("target");
        w.Text("path", Path);
        if (Format is not null)
        {
            w.Empty("format", ("type", Format));
        }

        WritePermissions(w, Permissions);
        if (Encryption is not null)
        {
            // libvirt writes the encryption element as an open/close pair even when nothing is inside.
            w.Open("encryption", [.. Encryption.Attributes().Select(a => (a.Name.LocalName, (string?)a.Value))]);
            foreach (XElement child in Encryption.Elements())
            {
                KeptXml.Write(w, child);
            }

            w.Close("encryption");
        }

        if (Compat is not null)
        {
            w.Text("compat", Compat);
        }

        if (ClusterSize > 0)
        {
            w.Text("clusterSize", ClusterSize.ToString(CultureInfo.InvariantCulture), ("unit", "B"));
        }

        if (Features is { Count: 0 })
        {
            w.Empty("features");
        }
        else if (Features is not null)
        {
            w.Open("features");
            foreach (string feature in Features)
            {
                w.Empty(feature);
            }

            w.Close("features");
        }

        w.Close("target");
        if (BackingStore is { } backing)
        {
            w.Open("backingStore");
            w.Text("path", backing.Path);
            if (backing.Format is not null)
            {
                w.Empty("format", ("type", backing.Format));
            }

            WritePermissions(w, backing.Permissions);
            w.Close("backingStore");
        }

        w.Close("volume");
        return w.ToString();
    }

    private static void WritePermissions(LibvirtXmlWriter w, (string? Mode, string? Owner, string? Group, string? Label)? permissions)
    {
        if (permissions is { } p)
        {
            w.Open("permissions");
            if (p.Mode is not null)
            {
                w.Text("mode", p.Mode);
            }

            if (p.Owner is not null)
            {
                w.Text("owner", p.Owner);
            }

            if (p.Group is not null)
            {
                w.Text("group", p.Group);
            }

            if (p.Label is not null)
            {
                w.Text("label", p.Label);
            }

            w.Close("permissions");
        }
    }

    // virt-install asks for qcow2 volumes with <compat>1.1</compat><features><lazy_refcounts/></features>; libvirt keeps
    // both, checks compat is "N.M" and knows two features.
    private static (string? Compat, IReadOnlyList<string>? Features, ulong ClusterSize) ParseQcow2Options(XElement? target)
    {
        string? compat = target?.Element("compat")?.Value;
        if (compat is not null)
        {
            string[] parts = compat.Split('.', 2);
            if (parts.Length != 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: forbidden characters in 'compat' attribute");
            }
        }

        ulong clusterSize = ParseClusterSize(target?.Element("clusterSize"));
        if (target?.Element("features") is not XElement features)
        {
            return (compat, null, clusterSize);
        }

        string[] known = ["lazy_refcounts", "extended_l2"];
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (XElement feature in features.Elements())
        {
            string name = feature.Name.LocalName;
            if (Array.IndexOf(known, name) < 0)
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unsupported feature {name}");
            }

            set.Add(name);
        }

        return (compat ?? "1.1", known.Where(set.Contains).ToArray(), clusterSize);
    }

    // libvirt reads the cluster size as a plain decimal number with an optional unit and writes it back in bytes.
    private static ulong ParseClusterSize(XElement? element)
    {
        string? text = element?.Value;
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (!ulong.TryParse(text.TrimStart(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value '{text}' for element or attribute './target/clusterSize'");
        }

        string? unit = (string?)element!.Attribute("unit");
        return SizeUnits.Multiply(value, SizeUnits.Scale(unit, 1), unit);
    }

    // libvirt's size units: bytes by default, k/m/g/... powers of 1024 and kb/mb/... powers of 1000.
    private static ulong Scaled(XElement element, string what)
    {
        if (!ulong.TryParse(element.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, $"XML error: malformed {what} element");
        }

        string? unit = (string?)element.Attribute("unit");
        return SizeUnits.Multiply(value, SizeUnits.Scale(unit, 1), unit);
    }
}

/// <summary>A volume's backing store as libvirt keeps it from the volume XML.</summary>
internal sealed record BackingStoreDef(string Path, string? Format, (string? Mode, string? Owner, string? Group, string? Label)? Permissions);
