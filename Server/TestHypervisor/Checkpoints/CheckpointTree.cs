using LibvirtRemote.Server.TestHypervisor.Moments;

namespace LibvirtRemote.Server.TestHypervisor.Checkpoints;

/// <summary>A domain's checkpoints (the current one is the parent of the next), with the filters of VIR_DOMAIN_CHECKPOINT_LIST_*.</summary>
internal sealed class CheckpointTree : MomentTree<TestCheckpoint>
{
    // VIR_DOMAIN_CHECKPOINT_LIST_* bits.
    public const uint ListRootsOrDescendants = 0x1, ListTopological = 0x2, ListLeaves = 0x4, ListNoLeaves = 0x8;

    /// <summary>The checkpoints a listing with libvirt's LIST flags selects, starting from one checkpoint or from the whole tree.</summary>
    public List<TestCheckpoint> Select(TestCheckpoint? from, uint flags)
        => Candidates(from, (flags & ListRootsOrDescendants) != 0, (flags & ListTopological) != 0)
            .FindAll(c => KeepsLeafState(c, (flags & ListLeaves) != 0, (flags & ListNoLeaves) != 0));
}
