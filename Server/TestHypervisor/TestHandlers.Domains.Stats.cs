using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Per-domain statistics the test driver makes up (block, interface, memory, vCPU, guest file systems), with the
/// same fixed or clock-derived values and the same lookup errors.
/// </summary>
internal sealed partial class TestHandlers
{
    public override ValueTask<DomainGetBlockInfoRet> DomainGetBlockInfoAsync(ServerCall call, DomainGetBlockInfoArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainGetBlockInfo");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            XElement disk = FindDisk(domain.Current, args.Path)
                ?? throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: invalid path {args.Path} not assigned to domain");
            if (DiskSource(disk) is null)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: disk '{args.Path}' does not currently have a source assigned");
            }

            // The test driver's fixed sizes: a 1 TiB image whose capacity is a little below its allocation.
            return new(new DomainGetBlockInfoRet { Capacity = 1099506450432, Allocation = 1099511627776, Physical = 1099511627776 });
        }
    }

    public override ValueTask<DomainBlockStatsRet> DomainBlockStatsAsync(ServerCall call, DomainBlockStatsArgs args)
    {
        if (args.Path.Length == 0)
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Test, "Operation not supported: summary statistics are not supported yet");
        }

        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            if (FindDisk(domain.Current, args.Path) is null)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: invalid path: {args.Path}");
            }
        }

        // Like the test driver: made-up counters that grow with the wall clock (microseconds).
        long now = WallClockMicroseconds();
        return new(new DomainBlockStatsRet { RdReq = now / 10, RdBytes = now / 20, WrReq = now / 30, WrBytes = now / 40, Errs = now / 2_000_000 });
    }

    public override ValueTask<DomainInterfaceStatsRet> DomainInterfaceStatsAsync(ServerCall call, DomainInterfaceStatsArgs args)
    {
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            FindInterface(domain.Current, args.Device);
        }

        long now = WallClockMicroseconds();
        return new(new DomainInterfaceStatsRet
        {
            RxBytes = now / 10,
            RxPackets = now / 100,
            RxErrs = now / 1_000_000,
            RxDrop = now / 2_000_000,
            TxBytes = now / 20,
            TxPackets = now / 110,
            TxErrs = now / 3_000_000,
            TxDrop = now / 4_000_000,
        });
    }

    public override ValueTask<DomainMemoryStatsRet> DomainMemoryStatsAsync(ServerCall call, DomainMemoryStatsArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainMemoryStats");
        ulong current;
        bool balloon;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            current = domain.Current.CurrentMemoryKiB;
            balloon = domain.Current.Devices.Any(d => d.Name.LocalName == "memballoon" && (string?)d.Attribute("model") != "none");
        }

        if (!balloon)
        {
            return new(new DomainMemoryStatsRet { Stats = [] });
        }

        // Tags 6 (actual balloon), 0-3 (swap in/out, major/minor faults), 4 unused, 5 available, 8 usable,
        // 9 last update, 10 disk caches, 11/12 hugetlb, 7 rss: the test driver's order and values.
        (int Tag, ulong Value)[] all =
        [
            (6, current), (0, 0), (1, 0), (2, 0), (3, 0), (4, current / 2), (5, current), (8, current / 2),
            (9, 627319920), (10, current / 8), (11, 0), (12, 0), (7, current / 2),
        ];
        int count = (int)Math.Min(args.MaxStats, (uint)all.Length);
        var stats = new DomainMemoryStat[count];
        for (int i = 0; i < count; i++)
        {
            stats[i] = new DomainMemoryStat { Tag = all[i].Tag, Val = all[i].Value };
        }

        return new(new DomainMemoryStatsRet { Stats = stats });
    }

    public override ValueTask<DomainGetFsinfoRet> DomainGetFsinfoAsync(ServerCall call, DomainGetFsinfoArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainGetFSInfo");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            XElement? disk = domain.Current.Devices.FirstOrDefault(d => d.Name.LocalName == "disk" && ((string?)d.Attribute("device") ?? "disk") == "disk");
            if (disk is null)
            {
                return new(new DomainGetFsinfoRet { Info = [], Ret = 0 });
            }

            // Every guest of the test driver has a root and a /boot partition on its first disk.
            string target = DiskTarget(disk);
            return new(new DomainGetFsinfoRet
            {
                Info =
                [
                    new DomainFsinfo { Mountpoint = "/", Name = target + "1", Fstype = "ext4", DevAliases = [target] },
                    new DomainFsinfo { Mountpoint = "/boot", Name = target + "2", Fstype = "ext4", DevAliases = [target] },
                ],
                Ret = 2,
            });
        }
    }

    /// <summary>A disk by target name, or by source path when the name starts with '/' (unambiguous only).</summary>
    private static XElement? FindDisk(DomainDefinition definition, string name, bool allowAmbiguous = false)
    {
        XElement? candidate = null;
        foreach (XElement disk in definition.Devices.Where(d => d.Name.LocalName == "disk"))
        {
            if (!name.StartsWith('/'))
            {
                if (DiskTarget(disk) == name)
                {
                    return disk;
                }
            }
            else if (DiskSource(disk) == name)
            {
                if (allowAmbiguous)
                {
                    return disk;
                }

                if (candidate is not null)
                {
                    return null;
                }

                candidate = disk;
            }
        }

        return candidate;
    }

    private static string DiskTarget(XElement disk) => (string?)disk.Element("target")?.Attribute("dev") ?? string.Empty;

    private static string? DiskSource(XElement disk)
    {
        XElement? source = disk.Element("source");
        return source is null ? null
            : (string?)source.Attribute("file") ?? (string?)source.Attribute("dev") ?? (string?)source.Attribute("dir") ?? (string?)source.Attribute("name") ?? (string?)source.Attribute("volume");
    }

    /// <summary>An interface by MAC address (when the text is one) or by its target device name.</summary>
    private static XElement FindInterface(DomainDefinition definition, string device)
    {
        IEnumerable<XElement> nics = definition.Devices.Where(d => d.Name.LocalName == "interface");
        XElement? found = System.Net.NetworkInformation.PhysicalAddress.TryParse(device, out System.Net.NetworkInformation.PhysicalAddress? mac) && device.Length == 17
            ? nics.FirstOrDefault(n => System.Net.NetworkInformation.PhysicalAddress.TryParse((string?)n.Element("mac")?.Attribute("address"), out System.Net.NetworkInformation.PhysicalAddress? other) && other.Equals(mac))
            : nics.FirstOrDefault(n => (string?)n.Element("target")?.Attribute("dev") == device);
        return found ?? throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: '{device}' is not a known interface");
    }

    private static long WallClockMicroseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
