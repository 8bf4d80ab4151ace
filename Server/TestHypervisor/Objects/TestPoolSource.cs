using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A pool's &lt;source&gt; as libvirt's storage configuration reads and writes it: each pool type knows only some of
/// the source's parts (hosts, devices, dir, adapter, name, initiator, format), the rest of what a client writes is
/// dropped, and the parts come back in libvirt's fixed order with the type's default format filled in.
/// </summary>
internal static class TestPoolSource
{
    [Flags]
    private enum Parts
    {
        None = 0,
        Host = 1,
        Device = 2,
        Dir = 4,
        Adapter = 8,
        Name = 16,
        Initiator = 32,
        Network = 64,
    }

    private static readonly string[] FileSystemFormats = ["auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2", "vfat", "hfs+", "xfs", "ocfs2", "vmfs"];

    private static readonly string[] NetFileSystemFormats = ["auto", "nfs", "glusterfs", "cifs"];

    private static readonly string[] DiskFormats = ["unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2"];

    private static readonly string[] LogicalFormats = ["unknown", "lvm2"];

    /// <summary>True when the pool type lives on the network only and so has no target path.</summary>
    public static bool IsNetworkOnly(string type) => (PartsOf(type) & Parts.Network) != 0;

    /// <summary>
    /// Reads the source of a pool of <paramref name="type"/> and checks what the type requires of it. Returns the
    /// source's children in libvirt's output order, and the source name (defaulted from <paramref name="poolName"/>
    /// when the type has one; a pool without a name takes the source's).
    /// </summary>
    public static (List<XElement> Children, string? Name) Read(string type, XElement? source, ref string? poolName)
    {
        Parts parts = PartsOf(type);
        string[]? formats = FormatsOf(type);
        string? name = source?.Element("name")?.Value is { Length: > 0 } sourceName ? sourceName : null;
        if (type == "rbd" && source is not null && name is null)
        {
            throw Xml("element 'name' is mandatory for RBD pool");
        }

        string? format = null;
        if (formats is not null)
        {
            string? given = (string?)source?.Element("format")?.Attribute("type");
            format = given ?? formats[type == "logical" ? 1 : 0];
            if (Array.IndexOf(formats, format) < 0)
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unknown pool format type {given}");
            }
        }

        var hosts = new List<XElement>();
        foreach (XElement host in source?.Elements("host") ?? [])
        {
            string hostName = (string?)host.Attribute("name") ?? throw Xml("missing storage pool host name");
            string? port = (string?)host.Attribute("port");
            hosts.Add(new XElement("host", new XAttribute("name", hostName), port is null || port == "0" ? null : new XAttribute("port", port)));
        }

        var devices = new List<XElement>();
        foreach (XElement device in source?.Elements("device") ?? [])
        {
            string path = (string?)device.Attribute("path") ?? throw Xml("missing storage pool source device path");
            string? separator = (string?)device.Attribute("part_separator");
            devices.Add(new XElement("device", new XAttribute("path", path), separator is null ? null : new XAttribute("part_separator", separator)));
        }

        string? dir = (string?)source?.Element("dir")?.Attribute("path");
        dir = dir is null ? (type == "gluster" ? "/" : null) : SanitizePath(dir);

        XElement? adapter = PoolSourceAdapter.Parse(source?.Element("adapter"));
        XElement? auth = source?.Element("auth") is XElement givenAuth ? StorageSecretXml.ParsePoolAuth(givenAuth) : null;

        string? protocolVersion = (string?)source?.Element("protocol")?.Attribute("ver");
        if (protocolVersion is { Length: > 0 })
        {
            // libvirt compares the format's number with the netfs numbers (auto 0, nfs 1) whatever the pool's type.
            int number = formats is null ? 0 : Array.IndexOf(formats, format);
            if (number > 1)
            {
                string shown = number < NetFileSystemFormats.Length ? NetFileSystemFormats[number] : "(null)";
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: storage pool protocol ver unsupported for pool type '{shown}'");
            }

            if (protocolVersion.Contains(','))
            {
                throw new LibvirtErrorException(ErrorCode.XmlDetail, ErrorDomain.Storage, $"storage pool protocol ver '{protocolVersion}' must not contain ','");
            }
        }

        if (poolName is null && (parts & Parts.Name) != 0)
        {
            poolName = name;
        }

        if (poolName is null)
        {
            throw Xml("missing pool source name element");
        }

        if ((parts & Parts.Host) != 0 && hosts.Count == 0)
        {
            throw Xml("missing storage pool source host name");
        }

        if ((parts & Parts.Dir) != 0 && dir is null)
        {
            throw Xml("missing storage pool source path");
        }

        if ((parts & Parts.Name) != 0)
        {
            name ??= poolName;
        }

        if ((parts & Parts.Adapter) != 0)
        {
            PoolSourceAdapter.Validate(adapter);
        }

        if (parts == Parts.Device && devices.Count == 0)
        {
            throw Xml("missing storage pool source device name");
        }

        var children = new List<XElement>();
        if ((parts & Parts.Host) != 0)
        {
            children.AddRange(hosts);
        }

        if ((parts & Parts.Device) != 0)
        {
            children.AddRange(devices);
        }

        if ((parts & Parts.Dir) != 0 && dir is not null)
        {
            children.Add(new XElement("dir", new XAttribute("path", dir)));
        }

        if ((parts & Parts.Adapter) != 0 && adapter is not null)
        {
            children.Add(adapter);
        }

        if ((parts & Parts.Name) != 0 && name is not null)
        {
            children.Add(new XElement("name", name));
        }

        if ((parts & Parts.Initiator) != 0 && source?.Element("initiator") is XElement initiator)
        {
            children.Add(initiator);
        }

        if (format is not null)
        {
            children.Add(new XElement("format", new XAttribute("type", format)));
        }

        if (auth is not null)
        {
            children.Add(auth);
        }

        foreach ((string element, string attribute) in new[] { ("protocol", "ver"), ("vendor", "name"), ("product", "name") })
        {
            if ((string?)source?.Element(element)?.Attribute(attribute) is string value)
            {
                children.Add(new XElement(element, new XAttribute(attribute, value)));
            }
        }

        return (children, name);
    }

    /// <summary>Collapses repeated slashes and drops a trailing one, as libvirt tidies paths it stores.</summary>
    public static string SanitizePath(string path)
    {
        var text = new System.Text.StringBuilder(path.Length);
        foreach (char c in path)
        {
            if (c == '/' && text.Length > 0 && text[^1] == '/')
            {
                continue;
            }

            text.Append(c);
        }

        if (text.Length > 1 && text[^1] == '/')
        {
            text.Length--;
        }

        return text.ToString();
    }

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: " + message);

    private static Parts PartsOf(string type) => type switch
    {
        "logical" or "zfs" => Parts.Name | Parts.Device,
        "fs" or "disk" => Parts.Device,
        "netfs" => Parts.Host | Parts.Dir,
        "iscsi" => Parts.Host | Parts.Device | Parts.Initiator,
        "iscsi-direct" => Parts.Host | Parts.Device | Parts.Network | Parts.Initiator,
        "scsi" => Parts.Adapter,
        "rbd" or "sheepdog" => Parts.Host | Parts.Network | Parts.Name,
        "gluster" => Parts.Host | Parts.Network | Parts.Name | Parts.Dir,
        "vstorage" => Parts.Name,
        _ => Parts.None,
    };

    private static string[]? FormatsOf(string type) => type switch
    {
        "logical" => LogicalFormats,
        "fs" => FileSystemFormats,
        "netfs" => NetFileSystemFormats,
        "disk" => DiskFormats,
        _ => null,
    };
}
