using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Checkpoints;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Domain checkpoints as libvirt's test driver keeps them: metadata only (there are no disks to track), created on
/// running domains without snapshots, listed with the LIST filter flags, redefined, and deleted alone or with their
/// children, with the test driver's errors.
/// </summary>
internal sealed partial class TestHandlers
{
    // VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE and QUIESCE; REDEFINE_VALIDATE is refused by the flag check.
    private const uint CheckpointCreateRedefine = 0x1, CheckpointCreateQuiesce = 0x2;

    // VIR_DOMAIN_CHECKPOINT_XML_SECURE (no secrets in test domains), NO_DOMAIN and SIZE.
    private const uint CheckpointXmlSecure = 0x1, CheckpointXmlNoDomain = 0x2, CheckpointXmlSize = 0x4;

    // VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN, METADATA_ONLY (the same as a full delete here) and CHILDREN_ONLY.
    private const uint CheckpointDeleteChildren = 0x1, CheckpointDeleteMetadataOnly = 0x2, CheckpointDeleteChildrenOnly = 0x4;

    // ROOTS (= DESCENDANTS below a checkpoint), TOPOLOGICAL, LEAVES and NO_LEAVES.
    private const uint CheckpointListFlags = 0xF;

    public override ValueTask<DomainCheckpointCreateXmlRet> DomainCheckpointCreateXmlAsync(ServerCall call, DomainCheckpointCreateXmlArgs args)
    {
        CheckFlags(args.Flags, CheckpointCreateRedefine | CheckpointCreateQuiesce, "testDomainCheckpointCreateXML");
        bool redefine = (args.Flags & CheckpointCreateRedefine) != 0;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            if (domain.Snapshots.Count > 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Test, "Operation not supported: cannot create checkpoint while snapshot exists");
            }

            if (!domain.IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Test, "Operation not supported: cannot create checkpoint for inactive domain");
            }

            CheckpointXml.Request request = CheckpointXml.Parse(args.XmlDesc, redefine);
            TestCheckpoint checkpoint = redefine ? RedefineCheckpoint(domain, request) : NewCheckpoint(domain, request);
            return new(new DomainCheckpointCreateXmlRet { Checkpoint = CheckpointHandle(args.Dom, checkpoint.Name) });
        }
    }

    public override ValueTask<DomainListAllCheckpointsRet> DomainListAllCheckpointsAsync(ServerCall call, DomainListAllCheckpointsArgs args)
    {
        CheckFlags(args.Flags, CheckpointListFlags, "testDomainListAllCheckpoints");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            List<TestCheckpoint> selected = domain.Checkpoints.Select(null, args.Flags);
            return new(new DomainListAllCheckpointsRet { Checkpoints = CheckpointHandles(args.Dom, selected, args.NeedResults), Ret = selected.Count });
        }
    }

    public override ValueTask<DomainCheckpointListAllChildrenRet> DomainCheckpointListAllChildrenAsync(ServerCall call, DomainCheckpointListAllChildrenArgs args)
    {
        CheckFlags(args.Flags, CheckpointListFlags, "testDomainCheckpointListAllChildren");
        lock (_state.Gate)
        {
            (TestDomain domain, TestCheckpoint checkpoint) = GetCheckpointLocked(args.Checkpoint);
            List<TestCheckpoint> selected = domain.Checkpoints.Select(checkpoint, args.Flags);
            return new(new DomainCheckpointListAllChildrenRet { Checkpoints = CheckpointHandles(args.Checkpoint.Dom, selected, args.NeedResults), Ret = selected.Count });
        }
    }

    public override ValueTask<DomainCheckpointLookupByNameRet> DomainCheckpointLookupByNameAsync(ServerCall call, DomainCheckpointLookupByNameArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainCheckpointLookupByName");
        lock (_state.Gate)
        {
            TestCheckpoint checkpoint = FindCheckpoint(_state.GetDomainLocked(args.Dom), args.Name);
            return new(new DomainCheckpointLookupByNameRet { Checkpoint = CheckpointHandle(args.Dom, checkpoint.Name) });
        }
    }

    public override ValueTask<DomainCheckpointGetParentRet> DomainCheckpointGetParentAsync(ServerCall call, DomainCheckpointGetParentArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainCheckpointGetParent");
        lock (_state.Gate)
        {
            (_, TestCheckpoint checkpoint) = GetCheckpointLocked(args.Checkpoint);
            TestCheckpoint parent = checkpoint.Parent
                ?? throw new LibvirtErrorException(ErrorCode.NoDomainCheckpoint, ErrorDomain.Test, $"Domain checkpoint not found: checkpoint '{checkpoint.Name}' does not have a parent");
            return new(new DomainCheckpointGetParentRet { Parent = CheckpointHandle(args.Checkpoint.Dom, parent.Name) });
        }
    }

    public override ValueTask<DomainCheckpointGetXmlDescRet> DomainCheckpointGetXmlDescAsync(ServerCall call, DomainCheckpointGetXmlDescArgs args)
    {
        CheckFlags(args.Flags, CheckpointXmlSecure | CheckpointXmlNoDomain | CheckpointXmlSize, "testDomainCheckpointGetXMLDesc");
        lock (_state.Gate)
        {
            (TestDomain domain, TestCheckpoint checkpoint) = GetCheckpointLocked(args.Checkpoint);
            if ((args.Flags & CheckpointXmlSize) != 0 && !domain.IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: domain is not running");
            }

            return new(new DomainCheckpointGetXmlDescRet { Xml = checkpoint.Format((args.Flags & CheckpointXmlNoDomain) == 0, (args.Flags & CheckpointXmlSecure) != 0) });
        }
    }

    public override ValueTask DomainCheckpointDeleteAsync(ServerCall call, DomainCheckpointDeleteArgs args)
    {
        CheckFlags(args.Flags, CheckpointDeleteChildren | CheckpointDeleteMetadataOnly | CheckpointDeleteChildrenOnly, "testDomainCheckpointDelete");
        lock (_state.Gate)
        {
            (TestDomain domain, TestCheckpoint checkpoint) = GetCheckpointLocked(args.Checkpoint);
            domain.Checkpoints.Delete(checkpoint, (args.Flags & CheckpointDeleteChildren) != 0, (args.Flags & CheckpointDeleteChildrenOnly) != 0);
        }

        return default;
    }

    private static TestCheckpoint NewCheckpoint(TestDomain domain, CheckpointXml.Request request)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string name = request.Name ?? now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        DomainDefinition captured = domain.Current.Clone();
        List<CheckpointDisk> disks = CheckpointXml.AlignDisks(name, request.Disks, captured);
        CheckpointTree tree = domain.Checkpoints;
        if (tree.Find(name) is not null)
        {
            throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Domain, $"operation failed: domain moment {name} already exists");
        }

        var checkpoint = new TestCheckpoint(name) { Description = request.Description, CreationTime = now, Domain = captured };
        checkpoint.Disks.AddRange(disks);
        tree.Add(checkpoint, tree.Current);
        tree.Current = checkpoint;
        return checkpoint;
    }

    private static TestCheckpoint RedefineCheckpoint(TestDomain domain, CheckpointXml.Request request)
    {
        string name = request.Name!;
        CheckpointTree tree = domain.Checkpoints;
        TestCheckpoint? parent = CheckCheckpointCycles(tree, name, request.ParentName);
        List<CheckpointDisk> disks;
        if (request.Domain is not null)
        {
            if (!request.Domain.Uuid.AsSpan().SequenceEqual(domain.Uuid))
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.DomainCheckpoint, $"invalid argument: definition for checkpoint {name} must use uuid {DomainDefinition.FormatUuid(domain.Uuid)}");
            }

            disks = CheckpointXml.AlignDisks(name, request.Disks, request.Domain);
        }
        else
        {
            disks = CheckpointXml.AssignBitmapNames(name, request.Disks);
        }

        // A redefinition becomes current when it continues from the current checkpoint, or when there is none.
        bool makeCurrent = tree.Current is null || (parent is not null && ReferenceEquals(parent, tree.Current));
        TestCheckpoint? existing = tree.Find(name);
        TestCheckpoint checkpoint = existing ?? new TestCheckpoint(name);
        checkpoint.Description = request.Description;
        checkpoint.CreationTime = request.CreationTime;
        checkpoint.Domain = request.Domain;
        checkpoint.Disks.Clear();
        checkpoint.Disks.AddRange(disks);
        if (existing is null)
        {
            tree.Add(checkpoint, parent);
        }
        else
        {
            // Children stay; only the link upwards is rebuilt.
            tree.Unlink(checkpoint);
            tree.Link(checkpoint, parent);
        }

        if (makeCurrent)
        {
            tree.Current = checkpoint;
        }

        return checkpoint;
    }

    /// <summary>Refuses a redefined parent that is missing, the checkpoint itself, or one of its descendants; returns the parent.</summary>
    private static TestCheckpoint? CheckCheckpointCycles(CheckpointTree tree, string name, string? parentName)
    {
        if (parentName is null)
        {
            return null;
        }

        if (parentName == name)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: cannot set moment {name} as its own parent");
        }

        TestCheckpoint parent = tree.Find(parentName)
            ?? throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: parent {parentName} for moment {name} not found");
        for (TestCheckpoint? other = parent; other?.Parent is not null; other = other.Parent)
        {
            if (other.Parent.Name == name)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: parent {other.Name} would create cycle to {name}");
            }
        }

        return parent;
    }

    private (TestDomain Domain, TestCheckpoint Checkpoint) GetCheckpointLocked(in NonnullDomainCheckpoint handle)
    {
        TestDomain domain = _state.GetDomainLocked(handle.Dom);
        return (domain, FindCheckpoint(domain, handle.Name));
    }

    private static TestCheckpoint FindCheckpoint(TestDomain domain, string name)
        => domain.Checkpoints.Find(name)
        ?? throw new LibvirtErrorException(ErrorCode.NoDomainCheckpoint, ErrorDomain.Test, $"Domain checkpoint not found: no domain checkpoint with matching name '{name}'");

    private static NonnullDomainCheckpoint CheckpointHandle(in NonnullDomain domain, string name) => new() { Name = name, Dom = domain };

    private static NonnullDomainCheckpoint[] CheckpointHandles(NonnullDomain domain, List<TestCheckpoint> selected, int needResults)
        => needResults == 0 ? [] : [.. selected.Select(c => CheckpointHandle(domain, c.Name))];
}
