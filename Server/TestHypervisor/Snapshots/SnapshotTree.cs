namespace LibvirtRemote.Server.TestHypervisor.Snapshots;

/// <summary>A domain's snapshots: lookup by name, the parent/child links and the current one.</summary>
internal sealed class SnapshotTree
{
    // VIR_DOMAIN_SNAPSHOT_LIST_* bits.
    public const uint ListRootsOrDescendants = 0x1, ListMetadata = 0x2, ListLeaves = 0x4, ListNoLeaves = 0x8,
        ListNoMetadata = 0x10, ListInactive = 0x20, ListActive = 0x40, ListDiskOnly = 0x80, ListInternal = 0x100,
        ListExternal = 0x200, ListTopological = 0x400;

    // Creation order, which stands in for libvirt's hash-table order in unordered listings.
    private readonly List<TestSnapshot> _all = [];

    // The children of the invisible root, newest first.
    private readonly List<TestSnapshot> _roots = [];

    public int Count => _all.Count;

    public TestSnapshot? Current { get; set; }

    public TestSnapshot? Find(string name) => _all.Find(s => s.Name == name);

    /// <summary>Adds a snapshot under <paramref name="parent"/> (a root when null).</summary>
    public void Add(TestSnapshot snapshot, TestSnapshot? parent)
    {
        _all.Add(snapshot);
        Link(snapshot, parent);
    }

    /// <summary>Removes one snapshot; its children must have been moved or removed first.</summary>
    public void Remove(TestSnapshot snapshot)
    {
        Unlink(snapshot);
        _all.Remove(snapshot);
        if (ReferenceEquals(Current, snapshot))
        {
            Current = null;
        }
    }

    public void Clear()
    {
        _all.Clear();
        _roots.Clear();
        Current = null;
    }

    public void Link(TestSnapshot snapshot, TestSnapshot? parent)
    {
        snapshot.Parent = parent;
        (parent?.Children ?? _roots).Insert(0, snapshot);
    }

    public void Unlink(TestSnapshot snapshot)
    {
        (snapshot.Parent?.Children ?? _roots).Remove(snapshot);
        snapshot.Parent = null;
    }

    /// <summary>Moves every child of <paramref name="from"/> to the front of its parent's children, as libvirt does when deleting one snapshot.</summary>
    public void MoveChildrenToParent(TestSnapshot from)
    {
        List<TestSnapshot> target = from.Parent?.Children ?? _roots;
        foreach (TestSnapshot child in from.Children)
        {
            child.Parent = from.Parent;
        }

        target.InsertRange(0, from.Children);
        from.Children.Clear();
    }

    /// <summary>All descendants of <paramref name="from"/> (of every snapshot when null), parents before children.</summary>
    public List<TestSnapshot> Descendants(TestSnapshot? from)
    {
        var result = new List<TestSnapshot>();
        AddDescendants(from?.Children ?? _roots, result);
        return result;
    }

    /// <summary>The names a listing with libvirt's LIST flags selects, starting from a snapshot or from the whole tree.</summary>
    public List<TestSnapshot> Select(TestSnapshot? from, uint flags)
    {
        if ((flags & (ListMetadata | ListNoMetadata)) == ListNoMetadata)
        {
            // Every snapshot here has metadata.
            return [];
        }

        // For the whole tree the bit means "roots only"; below a snapshot it means "all descendants".
        bool bit = (flags & ListRootsOrDescendants) != 0;
        List<TestSnapshot> candidates = from is null
            ? (bit ? [.. _roots] : (flags & ListTopological) != 0 ? Descendants(null) : [.. _all])
            : (bit ? Descendants(from) : [.. from.Children]);
        return candidates.FindAll(s => Matches(s, flags));
    }

    private static bool Matches(TestSnapshot snapshot, uint flags)
    {
        uint leaves = flags & (ListLeaves | ListNoLeaves);
        if (leaves == ListLeaves && snapshot.Children.Count != 0)
        {
            return false;
        }

        if (leaves == ListNoLeaves && snapshot.Children.Count == 0)
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

    private static void AddDescendants(List<TestSnapshot> children, List<TestSnapshot> result)
    {
        foreach (TestSnapshot child in children)
        {
            result.Add(child);
            AddDescendants(child.Children, result);
        }
    }
}
