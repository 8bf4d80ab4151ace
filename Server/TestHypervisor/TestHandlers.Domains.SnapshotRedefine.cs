using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;
using LibvirtRemote.Server.TestHypervisor.Snapshots;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// snapshot-create --redefine: the checks libvirt 9.0.0 makes on a redefined snapshot, in its order (parent and cycles,
/// the domain's UUID, what an existing snapshot may not change, then the disks against the captured domain), and how
/// the result is linked into the tree.
/// </summary>
internal sealed partial class TestHandlers
{
    private static string Redefine(TestDomain domain, SnapshotXml.Request request, bool makeCurrent)
    {
        string name = request.Name!;
        SnapshotTree tree = domain.Snapshots;
        TestSnapshot? parent = RedefinedParent(tree, name, request.ParentName);
        TestSnapshot? existing = tree.Find(name);
        CheckRedefinition(domain, request, existing);

        // A redefinition without a domain keeps the one the existing snapshot captured.
        DomainDefinition captured = request.Domain ?? existing?.Domain
            ?? throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.DomainSnapshot, "internal error: missing domain in snapshot");
        bool external = request.State == "disk-snapshot" || request.Memory == "external" || SnapshotDiskAlignment.RequestsExternal(request.Disks);
        List<System.Xml.Linq.XElement> disks = SnapshotDiskAlignment.Align(captured.Devices, request.Disks, name, external, newSnapshot: false);

        TestSnapshot snapshot = existing ?? new TestSnapshot(name);
        snapshot.Description = request.Description;
        snapshot.State = request.State;
        snapshot.CreationTime = request.CreationTime;
        snapshot.Memory = request.Memory ?? (request.State is "shutoff" or "disk-snapshot" ? "no" : "internal");
        snapshot.MemoryFile = request.MemoryFile;
        snapshot.Disks.Clear();
        snapshot.Disks.AddRange(disks);
        snapshot.Domain = captured;
        if (existing is null)
        {
            tree.Add(snapshot, parent);
        }
        else
        {
            // libvirt drops the old parent link and links again, which puts the snapshot first among its siblings
            // even when the parent stays the same; its own children stay.
            tree.Unlink(snapshot);
            tree.Link(snapshot, parent);
        }

        if (makeCurrent)
        {
            tree.Current = snapshot;
        }

        return name;
    }

    /// <summary>The named parent, which must exist and must not be the snapshot itself or one of its descendants.</summary>
    private static TestSnapshot? RedefinedParent(SnapshotTree tree, string name, string? parentName)
    {
        if (parentName is null)
        {
            return null;
        }

        if (parentName == name)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: cannot set moment {name} as its own parent");
        }

        TestSnapshot parent = tree.Find(parentName)
            ?? throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: parent {parentName} for moment {name} not found");
        for (TestSnapshot? above = parent; above?.Parent is not null; above = above.Parent)
        {
            if (above.Parent.Name == name)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: parent {above.Name} would create cycle to {name}");
            }
        }

        return parent;
    }

    /// <summary>The captured domain must be this domain; an existing snapshot keeps its online/offline and disk-only kind.</summary>
    private static void CheckRedefinition(TestDomain domain, SnapshotXml.Request request, TestSnapshot? existing)
    {
        string name = request.Name!;
        if (request.Domain is not null && !request.Domain.Uuid.AsSpan().SequenceEqual(domain.Uuid))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.DomainSnapshot, $"invalid argument: definition for snapshot {name} must use uuid {DomainDefinition.FormatUuid(domain.Uuid)}");
        }

        if (existing is null)
        {
            return;
        }

        if (IsOnline(existing.State) != IsOnline(request.State))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.DomainSnapshot, $"invalid argument: cannot change between online and offline snapshot state in snapshot {name}");
        }

        if ((existing.State == "disk-snapshot") != (request.State == "disk-snapshot"))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.DomainSnapshot, $"invalid argument: cannot change between disk only and full system in snapshot {name}");
        }
    }

    private static bool IsOnline(string? state) => state is "running" or "paused";
}
