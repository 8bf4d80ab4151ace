using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Snapshot queries. The test hypervisor cannot take snapshots yet (creating one is not supported), so every domain
/// has none; the listings, lookups and their errors are libvirt's test driver's for a domain without snapshots, which
/// is what virt-manager and virsh ask for whenever they show a domain.
/// </summary>
internal sealed partial class TestHandlers
{
    // VIR_DOMAIN_SNAPSHOT_LIST_ROOTS (= DESCENDANTS), TOPOLOGICAL and the filter groups.
    private const uint SnapshotListFlags = 0x1 | 0x400 | 0x3FE;

    public override ValueTask<DomainSnapshotNumRet> DomainSnapshotNumAsync(ServerCall call, DomainSnapshotNumArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainSnapshotNum");
        FindForSnapshots(args.Dom);
        return new(new DomainSnapshotNumRet { Num = 0 });
    }

    public override ValueTask<DomainSnapshotListNamesRet> DomainSnapshotListNamesAsync(ServerCall call, DomainSnapshotListNamesArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainSnapshotListNames");
        FindForSnapshots(args.Dom);
        return new(new DomainSnapshotListNamesRet { Names = [] });
    }

    public override ValueTask<DomainListAllSnapshotsRet> DomainListAllSnapshotsAsync(ServerCall call, DomainListAllSnapshotsArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainListAllSnapshots");
        FindForSnapshots(args.Dom);
        return new(new DomainListAllSnapshotsRet { Snapshots = [], Ret = 0 });
    }

    public override ValueTask<DomainHasCurrentSnapshotRet> DomainHasCurrentSnapshotAsync(ServerCall call, DomainHasCurrentSnapshotArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainHasCurrentSnapshot");
        FindForSnapshots(args.Dom);
        return new(new DomainHasCurrentSnapshotRet { Result = 0 });
    }

    public override ValueTask<DomainSnapshotCurrentRet> DomainSnapshotCurrentAsync(ServerCall call, DomainSnapshotCurrentArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSnapshotCurrent");
        FindForSnapshots(args.Dom);
        throw new LibvirtErrorException(ErrorCode.NoDomainSnapshot, ErrorDomain.Test, "Domain snapshot not found: the domain does not have a current snapshot");
    }

    public override ValueTask<DomainSnapshotLookupByNameRet> DomainSnapshotLookupByNameAsync(ServerCall call, DomainSnapshotLookupByNameArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSnapshotLookupByName");
        FindForSnapshots(args.Dom);
        throw new LibvirtErrorException(ErrorCode.NoDomainSnapshot, ErrorDomain.Test, $"Domain snapshot not found: no domain snapshot with matching name '{args.Name}'");
    }

    private void FindForSnapshots(in NonnullDomain handle)
    {
        lock (_state.Gate)
        {
            _state.GetDomainLocked(handle);
        }
    }
}
