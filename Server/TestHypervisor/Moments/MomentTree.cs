namespace LibvirtRemote.Server.TestHypervisor.Moments;

/// <summary>A domain's snapshots or checkpoints: lookup by name, the parent/child links and the current one.</summary>
/// <typeparam name="T">Snapshot or checkpoint.</typeparam>
internal abstract class MomentTree<T>
    where T : Moment<T>
{
    // Creation order, which stands in for libvirt's hash-table order in unordered listings.
    private readonly List<T> _all = [];

    // The children of the invisible root, newest first.
    private readonly List<T> _roots = [];

    public int Count => _all.Count;

    public T? Current { get; set; }

    public T? Find(string name) => _all.Find(m => m.Name == name);

    /// <summary>Adds a moment under <paramref name="parent"/> (a root when null).</summary>
    public void Add(T moment, T? parent)
    {
        _all.Add(moment);
        Link(moment, parent);
    }

    /// <summary>Removes one moment; its children must have been moved or removed first.</summary>
    public void Remove(T moment)
    {
        Unlink(moment);
        _all.Remove(moment);
        if (ReferenceEquals(Current, moment))
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

    public void Link(T moment, T? parent)
    {
        moment.Parent = parent;
        (parent?.Children ?? _roots).Insert(0, moment);
    }

    public void Unlink(T moment)
    {
        (moment.Parent?.Children ?? _roots).Remove(moment);
        moment.Parent = null;
    }

    /// <summary>
    /// Deletes as libvirt's DELETE flags ask: the moment itself, with or without its descendants, or only its
    /// descendants. A deleted current moment hands "current" to the moment kept nearest above it.
    /// </summary>
    public void Delete(T moment, bool descendants, bool descendantsOnly)
    {
        if (descendants || descendantsOnly)
        {
            bool removedCurrent = false;
            foreach (T descendant in Descendants(moment))
            {
                removedCurrent |= ReferenceEquals(Current, descendant);
                Remove(descendant);
            }

            if (removedCurrent)
            {
                Current = moment;
            }
        }
        else
        {
            MoveChildrenToParent(moment);
        }

        if (!descendantsOnly)
        {
            T? parent = moment.Parent;
            bool wasCurrent = ReferenceEquals(Current, moment);
            Remove(moment);
            if (wasCurrent)
            {
                Current = parent;
            }
        }
    }

    /// <summary>Moves every child of <paramref name="from"/> to the front of its parent's children, as libvirt does when deleting one moment.</summary>
    public void MoveChildrenToParent(T from)
    {
        List<T> target = from.Parent?.Children ?? _roots;
        foreach (T child in from.Children)
        {
            child.Parent = from.Parent;
        }

        target.InsertRange(0, from.Children);
        from.Children.Clear();
    }

    /// <summary>All descendants of <paramref name="from"/> (of every moment when null), parents before children.</summary>
    public List<T> Descendants(T? from)
    {
        var result = new List<T>();
        AddDescendants(from?.Children ?? _roots, result);
        return result;
    }

    /// <summary>
    /// What a listing starts from. For the whole tree <paramref name="rootsOrDescendants"/> (libvirt's LIST_ROOTS)
    /// means roots only; below a moment the same bit (LIST_DESCENDANTS) means all descendants instead of children.
    /// </summary>
    protected List<T> Candidates(T? from, bool rootsOrDescendants, bool topological)
        => from is null
            ? (rootsOrDescendants ? [.. _roots] : topological ? Descendants(null) : [.. _all])
            : (rootsOrDescendants ? Descendants(from) : [.. from.Children]);

    /// <summary>
    /// libvirt's LEAVES / NO_LEAVES filter. Each drops what it excludes on its own, so asking for both keeps nothing
    /// (libvirt folds other filter groups that are fully set to "no filter", but not this one).
    /// </summary>
    protected static bool KeepsLeafState(T moment, bool leaves, bool noLeaves)
        => (!leaves || moment.Children.Count == 0) && (!noLeaves || moment.Children.Count != 0);

    private static void AddDescendants(List<T> children, List<T> result)
    {
        foreach (T child in children)
        {
            result.Add(child);
            AddDescendants(child.Children, result);
        }
    }
}
