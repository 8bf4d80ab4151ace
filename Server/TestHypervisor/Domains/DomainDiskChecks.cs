using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt's refusals for disks: &lt;auth&gt; or &lt;encryption&gt; given both inside the source and beside it
/// (while parsing), and, when it validates, a disk without a target, secrets of the wrong usage for the network
/// protocol, a LUKS cipher, device='lun' on a source that is not a block device or an iSCSI LUN, and two disks of
/// one bus at one drive address.
/// </summary>
internal static class DomainDiskChecks
{
    private static readonly string[] SecretUsages = ["none", "volume", "ceph", "iscsi", "tls", "vtpm"];

    private static readonly string[] AuthProtocols = ["iscsi", "http", "https", "ftp", "ftps", "ssh", "rbd"];

    private static readonly string[] DriveFields = ["controller", "bus", "target", "unit"];

    private static readonly string[] NoAuthProtocols = ["nbd", "sheepdog", "gluster", "tftp", "vxhs", "nfs"];

    public static void CheckAtParse(IReadOnlyList<XElement> devices)
    {
        foreach (XElement disk in Disks(devices))
        {
            foreach (string name in new[] { "auth", "encryption" })
            {
                if (disk.Element("source")?.Element(name) is not null && disk.Element(name) is not null)
                {
                    throw Unsupported($"an <{name}> definition already found for disk source");
                }
            }
        }
    }

    public static void Check(IReadOnlyList<XElement> devices)
    {
        foreach (XElement disk in Disks(devices))
        {
            XElement? source = disk.Element("source");
            string type = (string?)disk.Attribute("type") ?? "file";
            string? protocol = (string?)source?.Attribute("protocol");
            if (disk.Element("target")?.Attribute("dev") is null)
            {
                throw MissingTarget(source, type);
            }

            if (type == "network" && (source?.Element("auth") ?? disk.Element("auth")) is XElement auth)
            {
                CheckAuth(auth, protocol);
            }

            if ((source?.Element("encryption") ?? disk.Element("encryption")) is XElement encryption
                && (string?)encryption.Attribute("format") == "luks" && encryption.Element("cipher") is not null)
            {
                throw Unsupported("supplying <cipher> for domain disk definition is unnecessary");
            }

            if ((string?)disk.Attribute("device") == "lun")
            {
                if (type == "network" && protocol != "iscsi")
                {
                    throw Unsupported($"disk device='lun' is not supported for protocol='{protocol}'");
                }

                if (type is not ("network" or "block" or "volume"))
                {
                    throw Unsupported("disk device='lun' is only valid for block type disk source");
                }
            }
        }
    }

    /// <summary>Runs on the disks in libvirt's order, with the drive addresses its defaults gave them.</summary>
    public static void CheckDriveAddresses(IReadOnlyList<XElement> devices)
    {
        XElement[] disks = [.. Disks(devices).Where(d => (string?)d.Element("address")?.Attribute("type") == "drive")];
        for (int i = 0; i < disks.Length; i++)
        {
            XElement a = disks[i].Element("address")!;
            string?[] fields = [.. DriveFields.Select(n => (string?)a.Attribute(n) ?? "0")];
            for (int j = i + 1; j < disks.Length; j++)
            {
                XElement b = disks[j].Element("address")!;
                if ((string?)disks[i].Element("target")?.Attribute("bus") == (string?)disks[j].Element("target")?.Attribute("bus")
                    && fields.SequenceEqual(DriveFields.Select(n => (string?)b.Attribute(n) ?? "0")))
                {
                    throw Unsupported($"Found duplicate drive address for disk with target name '{(string?)disks[i].Element("target")?.Attribute("dev")}' controller='{fields[0]}' bus='{fields[1]}' target='{fields[2]}' unit='{fields[3]}'");
                }
            }
        }
    }

    // libvirt names the source it has: a storage pool volume, else the path (file, device, directory or network name).
    private static LibvirtErrorException MissingTarget(XElement? source, string type)
    {
        if (type == "volume" && source is not null)
        {
            return new(ErrorCode.NoTarget, ErrorDomain.Domain, $"missing target information for device pool = '{(string?)source.Attribute("pool")}', volume = '{(string?)source.Attribute("volume")}'");
        }

        string? path = (string?)source?.Attribute(type switch { "block" => "dev", "dir" => "dir", "network" => "name", _ => "file" });
        return new(ErrorCode.NoTarget, ErrorDomain.Domain, path is null ? "missing target information for device" : $"missing target information for device {path}");
    }

    private static void CheckAuth(XElement auth, string? protocol)
    {
        if (NoAuthProtocols.Contains(protocol))
        {
            throw Unsupported($"authentication is not supported for protocol '{protocol}'");
        }

        if (!AuthProtocols.Contains(protocol))
        {
            return;
        }

        string? usage = (string?)auth.Element("secret")?.Attribute("type");
        if (usage is null || !SecretUsages.Contains(usage))
        {
            throw Unsupported($"unknown secret type '{usage ?? "<null>"}'");
        }

        if ((protocol == "iscsi" && usage != "iscsi") || (protocol == "rbd" && usage != "ceph"))
        {
            throw Unsupported($"invalid secret type '{usage}'");
        }
    }

    private static IEnumerable<XElement> Disks(IReadOnlyList<XElement> devices) => devices.Where(d => d.Name.LocalName == "disk");

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: " + message);
}
