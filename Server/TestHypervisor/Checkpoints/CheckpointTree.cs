namespace LibvirtRemote.Server.TestHypervisor.Checkpoints;

/// <summary>A domain's checkpoints: lookup by name, the parent/child links and the current one (the parent of the next).</summary>
internal sealed class CheckpointTree
{
    // VIR_DOMAIN_CHECKPOINT_LIST_* bits.
    public const uint ListRootsOrDescendants = 0x1, ListTopological = 0x2, ListLeaves = 0x4, ListNoLeaves = 0x8;

    // Creation order, which stands in for libvirt's hash-table order in unordered listings.
    private readonly List<TestCheckpoint> _all = [];

    // The children of the invisible root, newest first.
    private readonly List<TestCheckpoint> _roots = [];

    public int Count => _all.Count;

    public TestCheckpoint? Current { get; set; }

    public TestCheckpoint? Find(string name) => _all.Find(c => c.Name == name);

    /// <summary>Adds a checkpoint under <paramref name="parent"/> (a root when null).</summary>
    public void Add(TestCheckpoint checkpoint, TestCheckpoint? parent)
    {
        _all.Add(checkpoint);
        Link(checkpoint, parent);
    }

    /// <summary>Removes one checkpoint; its children must have been moved or removed first.</summary>
    public void Remove(TestCheckpoint checkpoint)
    {
        Unlink(checkpoint);
        _all.Remove(checkpoint);
        if (ReferenceEquals(Current, checkpoint))
        {
            Current = null;
        }
    }

    public void Link(TestCheckpoint checkpoint, TestCheckpoint? parent)
    {
        checkpoint.Parent = parent;
        (parent?.Children ?? _roots).Insert(0, checkpoint);
    }

    public void Unlink(TestCheckpoint checkpoint)
    {
        (checkpoint.Parent?.Children ?? _roots).Remove(checkpoint);
        checkpoint.Parent = null;
    }

    /// <summary>Moves every child of <paramref name="from"/> to the front of its parent's children, as libvirt does when deleting one checkpoint.</summary>
    public void MoveChildrenToParent(TestCheckpoint from)
    {
        List<TestCheckpoint> target = from.Parent?.Children ?? _roots;
        foreach (TestCheckpoint child in from.Children)
        {
            child.Parent = from.Parent;
        }

        target.InsertRange(0, from.Children);
        from.Children.Clear();
    }

    /// <summary>All descendants of <paramref name="from"/> (of every checkpoint when null), parents before children.</summary>
    public List<TestCheckpoint> Descendants(TestCheckpoint? from)
    {
        var result = new List<TestCheckpoint>();
        AddDescendants(from?.Children ?? _roots, result);
        return result;
    }

    /// <summary>The checkpoints a listing with libvirt's LIST flags selects, starting from one checkpoint or from the whole tree.</summary>
    public List<TestCheckpoint> Select(TestCheckpoint? from, uint flags)
    {
        // For the whole tree the bit means "roots only"; below a checkpoint it means "all descendants".
        bool bit = (flags & ListRootsOrDescendants) != 0;
        List<TestCheckpoint> candidates = from is null
            ? (bit ? [.. _roots] : (flags & ListTopological) != 0 ? Descendants(null) : [.. _all])
            : (bit ? Descendants(from) : [.. from.Children]);
        uint leaves = flags & (ListLeaves | ListNoLeaves);
        return leaves switch
        {
            ListLeaves => candidates.FindAll(c => c.Children.Count == 0),
            ListNoLeaves => candidates.FindAll(c => c.Children.Count != 0),
            _ => candidates,
        };
    }

    private static void AddDescendants(List<TestCheckpoint> children, List<TestCheckpoint> result)
    {
        foreach (TestCheckpoint child in children)
        {
            result.Add(child);
            AddDescendants(child.Children, result);
        }
    }
}
