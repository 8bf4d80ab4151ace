using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;
using LibvirtRemote.Server.TestHypervisor.Snapshots;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Creating (and redefining), reverting to and deleting snapshots, with the state changes and lifecycle events
/// libvirt's test driver makes. Snapshots only record metadata and the domain configuration; there are no disks.
/// </summary>
internal sealed partial class TestHandlers
{
    // VIR_DOMAIN_SNAPSHOT_CREATE_*: REDEFINE, CURRENT, HALT, QUIESCE, ATOMIC, LIVE, VALIDATE are accepted; NO_METADATA,
    // DISK_ONLY and REUSE_EXT are refused by the flag check.
    private const uint CreateRedefine = 0x1, CreateCurrent = 0x2, CreateHalt = 0x8;
    private const uint CreateAllowed = CreateRedefine | CreateCurrent | CreateHalt | 0x40 | 0x80 | 0x100 | 0x200;

    private const uint RevertRunning = 0x1, RevertPaused = 0x2, RevertForce = 0x4;
    private const uint DeleteChildren = 0x1, DeleteChildrenOnly = 0x4;

    // Event details and state reasons for snapshot transitions.
    private const int DetailStartedFromSnapshot = 3, DetailSuspendedFromSnapshot = 5, DetailStoppedFromSnapshot = 6;
    private const int RunningFromSnapshot = 4, PausedFromSnapshot = 7, ShutoffFromSnapshot = 7;

    public override ValueTask<DomainSnapshotCreateXmlRet> DomainSnapshotCreateXmlAsync(ServerCall call, DomainSnapshotCreateXmlArgs args)
    {
        CheckFlags(args.Flags, CreateAllowed, "testDomainSnapshotCreateXML");
        bool redefine = (args.Flags & CreateRedefine) != 0;
        NonnullDomain? halted = null;
        string name;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            if (domain.Checkpoints.Count > 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Test, "Operation not supported: cannot create snapshot while checkpoint exists");
            }

            if (!domain.Persistent && (args.Flags & CreateHalt) != 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: cannot halt after transient domain snapshot");
            }

            SnapshotXml.Request request = SnapshotXml.Parse(args.XmlDesc, redefine);
            if (redefine)
            {
                name = Redefine(domain, request, (args.Flags & CreateCurrent) != 0);
            }
            else
            {
                TestSnapshot snapshot = NewSnapshot(domain, request);
                if (domain.Snapshots.Find(snapshot.Name) is not null)
                {
                    throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Domain, $"operation failed: domain moment {snapshot.Name} already exists");
                }

                domain.Snapshots.Add(snapshot, domain.Snapshots.Current);
                domain.Snapshots.Current = snapshot;
                name = snapshot.Name;
                if ((args.Flags & CreateHalt) != 0 && domain.IsActive)
                {
                    ShutdownFromSnapshot(domain);
                    halted = domain.Handle;
                }
            }
        }

        if (halted is { } handle)
        {
            PublishLifecycle(call, handle, EventStopped, DetailStoppedFromSnapshot);
        }

        return new(new DomainSnapshotCreateXmlRet { Snap = SnapshotHandle(args.Dom, name) });
    }

    public override ValueTask DomainRevertToSnapshotAsync(ServerCall call, DomainRevertToSnapshotArgs args)
    {
        CheckFlags(args.Flags, RevertRunning | RevertPaused | RevertForce, "testDomainRevertToSnapshot");
        var events = new List<(NonnullDomain Handle, int Event, int Detail)>();
        lock (_state.Gate)
        {
            (TestDomain domain, TestSnapshot snapshot) = GetSnapshotLocked(args.Snap);
            bool live = snapshot.State is "running" or "paused";
            if (!domain.Persistent && !live && (args.Flags & (RevertRunning | RevertPaused)) == 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: transient domain needs to request run or pause to revert to inactive snapshot");
            }

            if (snapshot.Domain is null)
            {
                throw new LibvirtErrorException(ErrorCode.SnapshotRevertRisky, ErrorDomain.Test, $"revert requires force: snapshot '{snapshot.Name}' lacks domain '{domain.Name}' rollback info");
            }

            domain.Snapshots.Current = null;
            if (live)
            {
                if (domain.IsActive)
                {
                    ShutdownFromSnapshot(domain);
                    events.Add((domain.Handle, EventStopped, DetailStoppedFromSnapshot));
                }

                domain.Config = snapshot.Domain.Clone();
                _state.StartLocked(domain, RunningFromSnapshot);
                events.Add((domain.Handle, EventStarted, DetailStartedFromSnapshot));
                if ((args.Flags & RevertRunning) == 0 && (snapshot.State == "paused" || (args.Flags & RevertPaused) != 0))
                {
                    domain.State = DomainState.Paused;
                    domain.Reason = PausedFromSnapshot;
                    events.Add((domain.Handle, EventSuspended, DetailSuspendedFromSnapshot));
                }
            }
            else
            {
                domain.Config = snapshot.Domain.Clone();
                if (domain.IsActive)
                {
                    ShutdownFromSnapshot(domain);
                    events.Add((domain.Handle, EventStopped, DetailStoppedFromSnapshot));
                }

                // libvirt's test driver announces the start (and pause) these flags ask for but leaves the domain
                // shut off; the events are kept for parity.
                if ((args.Flags & (RevertRunning | RevertPaused)) != 0)
                {
                    events.Add((domain.Handle, EventStarted, DetailStartedFromSnapshot));
                    if ((args.Flags & RevertPaused) != 0)
                    {
                        events.Add((domain.Handle, EventSuspended, DetailSuspendedFromSnapshot));
                    }
                }
            }

            domain.Snapshots.Current = snapshot;
        }

        foreach ((NonnullDomain handle, int lifecycleEvent, int detail) in events)
        {
            PublishLifecycle(call, handle, lifecycleEvent, detail);
        }

        return default;
    }

    public override ValueTask DomainSnapshotDeleteAsync(ServerCall call, DomainSnapshotDeleteArgs args)
    {
        CheckFlags(args.Flags, DeleteChildren | DeleteChildrenOnly, "testDomainSnapshotDelete");
        lock (_state.Gate)
        {
            (TestDomain domain, TestSnapshot snapshot) = GetSnapshotLocked(args.Snap);
            domain.Snapshots.Delete(snapshot, (args.Flags & DeleteChildren) != 0, (args.Flags & DeleteChildrenOnly) != 0);
        }

        return default;
    }

    private static TestSnapshot NewSnapshot(TestDomain domain, SnapshotXml.Request request)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var snapshot = new TestSnapshot(request.Name ?? now.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Description = request.Description,
            CreationTime = now,
            State = StateWord(domain.State),
            Domain = domain.Current.Clone(),
        };

        if (request.Memory == "external")
        {
            snapshot.Memory = "external";
            snapshot.MemoryFile = request.MemoryFile;
        }
        else
        {
            snapshot.Memory = snapshot.State == "shutoff" ? "no" : "internal";
        }

        snapshot.Disks.AddRange(SnapshotDiskAlignment.Align(snapshot.Domain.Devices, request.Disks, snapshot.Name, request.Memory == "external"));
        return snapshot;
    }

    /// <summary>Stops a domain for a snapshot; unlike a normal stop a transient domain stays listed.</summary>
    private static void ShutdownFromSnapshot(TestDomain domain)
    {
        domain.State = DomainState.Shutoff;
        domain.Reason = ShutoffFromSnapshot;
        domain.Id = TestState.IdAfterStop(domain);
        domain.Live = null;
    }

    private static string StateWord(DomainState state) => state switch
    {
        DomainState.Running => "running",
        DomainState.Blocked => "blocked",
        DomainState.Paused => "paused",
        DomainState.Shutdown => "shutdown",
        DomainState.Shutoff => "shutoff",
        DomainState.Crashed => "crashed",
        DomainState.PmSuspended => "pmsuspended",
        _ => "nostate",
    };
}
