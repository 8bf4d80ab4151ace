using LibvirtRemote.Server.TestHypervisor.Moments;

namespace LibvirtRemote.Server.TestHypervisor.Snapshots;

/// <summary>A domain's snapshots, with the listing filters of VIR_DOMAIN_SNAPSHOT_LIST_*.</summary>
internal sealed class SnapshotTree : MomentTree<TestSnapshot>
{
    // VIR_DOMAIN_SNAPSHOT_LIST_* bits.
    public const uint ListRootsOrDescendants = 0x1, ListMetadata = 0x2, ListLeaves = 0x4, ListNoLeaves = 0x8,
        ListNoMetadata = 0x10, ListInactive = 0x20, ListActive = 0x40, ListDiskOnly = 0x80, ListInternal = 0x100,
        ListExternal = 0x200, ListTopological = 0x400;

    /// <summary>The snapshots a listing with libvirt's LIST flags selects, starting from a snapshot or from the whole tree.</summary>
    public List<TestSnapshot> Select(TestSnapshot? from, uint flags)
    {
        if ((flags & (ListMetadata | ListNoMetadata)) == ListNoMetadata)
        {
            // Every snapshot here has metadata.
            return [];
        }

        return Candidates(from, (flags & ListRootsOrDescendants) != 0, (flags & ListTopological) != 0).FindAll(s => Matches(s, flags));
    }

    private static bool Matches(TestSnapshot snapshot, uint flags)
    {
        if (!KeepsLeafState(snapshot, (flags & ListLeaves) != 0, (flags & ListNoLeaves) != 0))
        {
            return false;
        }

        uint status = flags & (ListInactive | ListActive | ListDiskOnly);
        if (status != 0 && status != (ListInactive | ListActive | ListDiskOnly))
        {
            bool shutoff = snapshot.State == "shutoff", diskOnly = snapshot.State == "disk-snapshot";
            if ((shutoff && (status & ListInactive) == 0) || (diskOnly && (status & ListDiskOnly) == 0)
                || (!shutoff && !diskOnly && (status & ListActive) == 0))
            {
                return false;
            }
        }

        uint location = flags & (ListInternal | ListExternal);
        return location switch
        {
            ListInternal => !snapshot.IsExternal,
            ListExternal => snapshot.IsExternal,
            _ => true,
        };
    }
}
