using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// libvirt's refusal of a pool whose storage another pool (of another name) already uses: the same directory, the same
/// export on the same single host, a shared source device, the same SCSI host or FC WWNs, the one multipath pool.
/// Checked before anything else when a pool is defined or created.
/// </summary>
public sealed partial class TestState
{
    private static readonly string[] DevicePoolTypes = ["iscsi", "fs", "logical", "disk", "zfs"];

    /// <summary>Throws libvirt's "Storage source conflict" when <paramref name="def"/> uses another pool's storage.</summary>
    internal void CheckPoolSourceConflict(TestStoragePool def)
    {
        foreach (TestStoragePool pool in Pools)
        {
            if (pool.Name != def.Name && SourcesConflict(pool, def))
            {
                throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Storage, $"operation failed: Storage source conflict with pool: '{pool.Name}'");
            }
        }
    }

    private static bool SourcesConflict(TestStoragePool pool, TestStoragePool def)
    {
        if (Array.IndexOf(DevicePoolTypes, pool.Type) >= 0)
        {
            if (Array.IndexOf(DevicePoolTypes, def.Type) < 0 || (pool.Type == "iscsi") != (def.Type == "iscsi") || !ShareDevice(pool, def))
            {
                return false;
            }

            // iSCSI pools on one device are the same only when they log in with the same initiator.
            return pool.Type != "iscsi" || Initiator(pool) == Initiator(def);
        }

        if (pool.Type != def.Type)
        {
            return false;
        }

        return pool.Type switch
        {
            "dir" => pool.TargetPath == def.TargetPath,
            "netfs" => SourceText(pool, "dir", "path") == SourceText(def, "dir", "path") && SameSingleHost(pool, def),
            "gluster" => SourceName(pool) == SourceName(def) && SourceText(pool, "dir", "path") == SourceText(def, "dir", "path") && SameSingleHost(pool, def),
            "sheepdog" => SameSingleHost(pool, def),
            "vstorage" => SourceName(pool) == SourceName(def),
            "mpath" => true,
            "scsi" => SameAdapter(Adapter(pool), Adapter(def)),
            _ => false,
        };
    }

    private static bool ShareDevice(TestStoragePool pool, TestStoragePool def)
    {
        HashSet<string?> paths = [.. pool.Source.Where(e => e.Name.LocalName == "device").Select(e => (string?)e.Attribute("path"))];
        return def.Source.Any(e => e.Name.LocalName == "device" && paths.Contains((string?)e.Attribute("path")));
    }

    private static string? Initiator(TestStoragePool pool)
        => (string?)pool.Source.Find(e => e.Name.LocalName == "initiator")?.Element("iqn")?.Attribute("name");

    private static string? SourceName(TestStoragePool pool) => pool.Source.Find(e => e.Name.LocalName == "name")?.Value;

    private static string? SourceText(TestStoragePool pool, string element, string attribute)
        => (string?)pool.Source.Find(e => e.Name.LocalName == element)?.Attribute(attribute);

    private static XElement? Adapter(TestStoragePool pool) => pool.Source.Find(e => e.Name.LocalName == "adapter");

    // libvirt compares the first host of each when either has exactly one, and the port only when the new pool names one.
    private static bool SameSingleHost(TestStoragePool pool, TestStoragePool def)
    {
        XElement[] poolHosts = [.. pool.Source.Where(e => e.Name.LocalName == "host")];
        XElement[] defHosts = [.. def.Source.Where(e => e.Name.LocalName == "host")];
        if ((poolHosts.Length != 1 && defHosts.Length != 1) || poolHosts.Length == 0 || defHosts.Length == 0)
        {
            return false;
        }

        string? defPort = (string?)defHosts[0].Attribute("port");
        if (defPort is not null && (string?)poolHosts[0].Attribute("port") != defPort)
        {
            return false;
        }

        return (string?)poolHosts[0].Attribute("name") == (string?)defHosts[0].Attribute("name");
    }

    private static bool SameAdapter(XElement? pool, XElement? def)
    {
        if (pool is null || def is null)
        {
            return false;
        }

        bool poolFc = (string?)pool.Attribute("type") == "fc_host";
        bool defFc = (string?)def.Attribute("type") == "fc_host";
        if (poolFc && defFc)
        {
            return (string?)pool.Attribute("wwnn") == (string?)def.Attribute("wwnn") && (string?)pool.Attribute("wwpn") == (string?)def.Attribute("wwpn");
        }

        if (!poolFc && !defFc)
        {
            if (pool.Element("parentaddr") is XElement a && def.Element("parentaddr") is XElement b && XNode.DeepEquals(a, b))
            {
                return true;
            }

            return HostNumber(pool) is uint p && HostNumber(def) is uint d && p == d;
        }

        // An FC adapter is on a SCSI host when its parent names that host (there are no real vHBAs to look up here).
        XElement fc = poolFc ? pool : def;
        XElement scsi = poolFc ? def : pool;
        return HostNumber(scsi) is uint host && (string?)fc.Attribute("parent") is string parent && HostNumber(parent) == host;
    }

    // A SCSI host given by PCI parent address has no number here: libvirt would look it up in sysfs.
    private static uint? HostNumber(XElement scsiHost)
        => (string?)scsiHost.Attribute("name") is string name ? HostNumber(name) : null;

    private static uint? HostNumber(string name)
    {
        foreach (string prefix in (string[])["scsi_host", "fc_host", "host"])
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return uint.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out uint number) ? number : null;
            }
        }

        return null;
    }
}
