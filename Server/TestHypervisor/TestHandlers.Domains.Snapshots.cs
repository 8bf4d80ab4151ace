using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;
using LibvirtRemote.Server.TestHypervisor.Snapshots;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Snapshot queries: listings (with libvirt's LIST filter flags), lookups, parents, the current snapshot and the
/// snapshot XML, with the errors libvirt's test driver gives. Creating, reverting and deleting are in
/// TestHandlers.Domains.SnapshotChanges.cs.
/// </summary>
internal sealed partial class TestHandlers
{
    // VIR_DOMAIN_SNAPSHOT_LIST_ROOTS (= DESCENDANTS), TOPOLOGICAL and the filter groups.
    private const uint SnapshotListFlags = 0x1 | 0x400 | 0x3FE;

    public override ValueTask<DomainSnapshotNumRet> DomainSnapshotNumAsync(ServerCall call, DomainSnapshotNumArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainSnapshotNum");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            return new(new DomainSnapshotNumRet { Num = domain.Snapshots.Select(null, args.Flags).Count });
        }
    }

    public override ValueTask<DomainSnapshotListNamesRet> DomainSnapshotListNamesAsync(ServerCall call, DomainSnapshotListNamesArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainSnapshotListNames");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            return new(new DomainSnapshotListNamesRet { Names = Names(domain.Snapshots.Select(null, args.Flags), args.Maxnames) });
        }
    }

    public override ValueTask<DomainListAllSnapshotsRet> DomainListAllSnapshotsAsync(ServerCall call, DomainListAllSnapshotsArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainListAllSnapshots");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            List<TestSnapshot> selected = domain.Snapshots.Select(null, args.Flags);
            return new(new DomainListAllSnapshotsRet { Snapshots = Handles(args.Dom, selected, args.NeedResults), Ret = selected.Count });
        }
    }

    public override ValueTask<DomainSnapshotNumChildrenRet> DomainSnapshotNumChildrenAsync(ServerCall call, DomainSnapshotNumChildrenArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainSnapshotNumChildren");
        lock (_state.Gate)
        {
            (TestDomain domain, TestSnapshot snapshot) = GetSnapshotLocked(args.Snap);
            return new(new DomainSnapshotNumChildrenRet { Num = domain.Snapshots.Select(snapshot, args.Flags).Count });
        }
    }

    public override ValueTask<DomainSnapshotListChildrenNamesRet> DomainSnapshotListChildrenNamesAsync(ServerCall call, DomainSnapshotListChildrenNamesArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainSnapshotListChildrenNames");
        lock (_state.Gate)
        {
            (TestDomain domain, TestSnapshot snapshot) = GetSnapshotLocked(args.Snap);
            return new(new DomainSnapshotListChildrenNamesRet { Names = Names(domain.Snapshots.Select(snapshot, args.Flags), args.Maxnames) });
        }
    }

    public override ValueTask<DomainSnapshotListAllChildrenRet> DomainSnapshotListAllChildrenAsync(ServerCall call, DomainSnapshotListAllChildrenArgs args)
    {
        CheckFlags(args.Flags, SnapshotListFlags, "testDomainSnapshotListAllChildren");
        lock (_state.Gate)
        {
            (TestDomain domain, TestSnapshot snapshot) = GetSnapshotLocked(args.Snapshot);
            List<TestSnapshot> selected = domain.Snapshots.Select(snapshot, args.Flags);
            return new(new DomainSnapshotListAllChildrenRet { Snapshots = Handles(args.Snapshot.Dom, selected, args.NeedResults), Ret = selected.Count });
        }
    }

    public override ValueTask<DomainHasCurrentSnapshotRet> DomainHasCurrentSnapshotAsync(ServerCall call, DomainHasCurrentSnapshotArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainHasCurrentSnapshot");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            return new(new DomainHasCurrentSnapshotRet { Result = domain.Snapshots.Current is null ? 0 : 1 });
        }
    }

    public override ValueTask<DomainSnapshotCurrentRet> DomainSnapshotCurrentAsync(ServerCall call, DomainSnapshotCurrentArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSnapshotCurrent");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            TestSnapshot current = domain.Snapshots.Current
                ?? throw new LibvirtErrorException(ErrorCode.NoDomainSnapshot, ErrorDomain.Test, "Domain snapshot not found: the domain does not have a current snapshot");
            return new(new DomainSnapshotCurrentRet { Snap = SnapshotHandle(args.Dom, current.Name) });
        }
    }

    public override ValueTask<DomainSnapshotLookupByNameRet> DomainSnapshotLookupByNameAsync(ServerCall call, DomainSnapshotLookupByNameArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSnapshotLookupByName");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            TestSnapshot snapshot = FindSnapshot(domain, args.Name);
            return new(new DomainSnapshotLookupByNameRet { Snap = SnapshotHandle(args.Dom, snapshot.Name) });
        }
    }

    public override ValueTask<DomainSnapshotGetParentRet> DomainSnapshotGetParentAsync(ServerCall call, DomainSnapshotGetParentArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSnapshotGetParent");
        lock (_state.Gate)
        {
            (_, TestSnapshot snapshot) = GetSnapshotLocked(args.Snap);
            TestSnapshot parent = snapshot.Parent
                ?? throw new LibvirtErrorException(ErrorCode.NoDomainSnapshot, ErrorDomain.Test, $"Domain snapshot not found: snapshot '{snapshot.Name}' does not have a parent");
            return new(new DomainSnapshotGetParentRet { Snap = SnapshotHandle(args.Snap.Dom, parent.Name) });
        }
    }

    public override ValueTask<DomainSnapshotGetXmlDescRet> DomainSnapshotGetXmlDescAsync(ServerCall call, DomainSnapshotGetXmlDescArgs args)
    {
        const uint Secure = 1;
        CheckFlags(args.Flags, Secure, "testDomainSnapshotGetXMLDesc");
        lock (_state.Gate)
        {
            (_, TestSnapshot snapshot) = GetSnapshotLocked(args.Snap);
            return new(new DomainSnapshotGetXmlDescRet { Xml = snapshot.Format(args.Snap.Dom.Uuid, (args.Flags & Secure) != 0) });
        }
    }

    public override ValueTask<DomainSnapshotIsCurrentRet> DomainSnapshotIsCurrentAsync(ServerCall call, DomainSnapshotIsCurrentArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSnapshotIsCurrent");
        lock (_state.Gate)
        {
            (TestDomain domain, TestSnapshot snapshot) = GetSnapshotLocked(args.Snap);
            return new(new DomainSnapshotIsCurrentRet { Current = ReferenceEquals(domain.Snapshots.Current, snapshot) ? 1 : 0 });
        }
    }

    public override ValueTask<DomainSnapshotHasMetadataRet> DomainSnapshotHasMetadataAsync(ServerCall call, DomainSnapshotHasMetadataArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSnapshotHasMetadata");
        lock (_state.Gate)
        {
            GetSnapshotLocked(args.Snap);
            return new(new DomainSnapshotHasMetadataRet { Metadata = 1 });
        }
    }

    private (TestDomain Domain, TestSnapshot Snapshot) GetSnapshotLocked(in NonnullDomainSnapshot handle)
    {
        TestDomain domain = _state.GetDomainLocked(handle.Dom);
        return (domain, FindSnapshot(domain, handle.Name));
    }

    private static TestSnapshot FindSnapshot(TestDomain domain, string name)
        => domain.Snapshots.Find(name)
        ?? throw new LibvirtErrorException(ErrorCode.NoDomainSnapshot, ErrorDomain.Test, $"Domain snapshot not found: no domain snapshot with matching name '{name}'");

    private static NonnullDomainSnapshot SnapshotHandle(in NonnullDomain domain, string name) => new() { Name = name, Dom = domain };

    private static string[] Names(List<TestSnapshot> selected, int maxNames)
        => [.. selected.Take(Math.Max(0, maxNames)).Select(s => s.Name)];

    private static NonnullDomainSnapshot[] Handles(NonnullDomain domain, List<TestSnapshot> selected, int needResults)
        => needResults == 0 ? [] : [.. selected.Select(s => SnapshotHandle(domain, s.Name))];
}
