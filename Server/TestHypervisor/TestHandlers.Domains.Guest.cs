using System.Runtime.CompilerServices;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// What the test driver pretends a guest agent or the guest's memory answers: filesystem freeze, thaw and trim,
/// process signals, user passwords, domain messages and memory peeks; and starting with passed descriptors, which the
/// test driver ignores.
/// </summary>
internal sealed partial class TestHandlers
{
    private const uint MemoryVirtual = 1, MemoryPhysical = 2;

    // virDomainProcessSignal's count: signal numbers from 0 up to 64.
    private const uint ProcessSignalCount = 65;

    /// <summary>
    /// The frozen flags of the guest's two filesystems ("/" and "/boot"). libvirt keeps them with the domain object, so
    /// they outlive a restart and go with an undefine; a weak table keyed by the object does the same.
    /// </summary>
    private static readonly ConditionalWeakTable<TestDomain, bool[]> FrozenFilesystems = new();

    private static readonly string[] GuestMountPoints = ["/", "/boot"];

    public override ValueTask<DomainFsfreezeRet> DomainFsfreezeAsync(ServerCall call, DomainFsfreezeArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainFSFreeze");
        return new(new DomainFsfreezeRet { Filesystems = ChangeFrozen(args.Dom, args.Mountpoints, freeze: true) });
    }

    public override ValueTask<DomainFsthawRet> DomainFsthawAsync(ServerCall call, DomainFsthawArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainFSThaw");
        return new(new DomainFsthawRet { Filesystems = ChangeFrozen(args.Dom, args.Mountpoints, freeze: false) });
    }

    public override ValueTask DomainFstrimAsync(ServerCall call, DomainFstrimArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainFSTrim");
        lock (_state.Gate)
        {
            RequireActive(_state.GetDomainLocked(args.Dom));
            if (args.MountPoint is { } mountPoint && Array.IndexOf(GuestMountPoints, mountPoint) < 0)
            {
                throw MountPointNotFound(mountPoint);
            }
        }

        return default;
    }

    public override ValueTask DomainSendProcessSignalAsync(ServerCall call, DomainSendProcessSignalArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainSendProcessSignal");

        // Both refusals come before the domain is looked up.
        if (args.PidValue != 1)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: only sending a signal to pid 1 is supported");
        }

        if (args.Signum >= ProcessSignalCount)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: signum value {(int)args.Signum} is out of range");
        }

        lock (_state.Gate)
        {
            _state.GetDomainLocked(args.Dom);
        }

        return default;
    }

    public override ValueTask DomainSetUserPasswordAsync(ServerCall call, DomainSetUserPasswordArgs args)
    {
        CheckFlags(args.Flags, 1, "testDomainSetUserPassword");
        lock (_state.Gate)
        {
            RequireActive(_state.GetDomainLocked(args.Dom));
        }

        return default;
    }

    public override ValueTask<DomainGetMessagesRet> DomainGetMessagesAsync(ServerCall call, DomainGetMessagesArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainGetMessages");
        lock (_state.Gate)
        {
            _state.GetDomainLocked(args.Dom);
        }

        // The test driver never taints a domain nor uses deprecated features, so there is nothing to tell.
        return new(new DomainGetMessagesRet { Msgs = [] });
    }

    public override ValueTask<DomainMemoryPeekRet> DomainMemoryPeekAsync(ServerCall call, DomainMemoryPeekArgs args)
    {
        CheckFlags(args.Flags, MemoryVirtual | MemoryPhysical, "testDomainMemoryPeek");
        if (args.Flags is not (MemoryVirtual or MemoryPhysical))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: flags parameter must be VIR_MEMORY_VIRTUAL or VIR_MEMORY_PHYSICAL");
        }

        lock (_state.Gate)
        {
            RequireActive(_state.GetDomainLocked(args.Dom));
        }

        // The test driver's memory counts upwards from the low byte of the start address.
        byte[] buffer = new byte[args.Size];
        byte next = unchecked((byte)args.Offset);
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = next++;
        }

        return new(new DomainMemoryPeekRet { Buffer = buffer });
    }

    public override ValueTask<DomainCreateWithFilesRet> DomainCreateWithFilesAsync(ServerCall call, DomainCreateWithFilesArgs args)
    {
        DisposeReceivedFds(call);
        return new(new DomainCreateWithFilesRet { Dom = Start(call, args.Dom, args.Flags) });
    }

    public override async ValueTask<DomainCreateXmlWithFilesRet> DomainCreateXmlWithFilesAsync(ServerCall call, DomainCreateXmlWithFilesArgs args)
    {
        DisposeReceivedFds(call);
        DomainCreateXmlRet created = await DomainCreateXmlAsync(call, new DomainCreateXmlArgs { XmlDesc = args.XmlDesc, Flags = args.Flags }).ConfigureAwait(false);
        return new DomainCreateXmlWithFilesRet { Dom = created.Dom };
    }

    /// <summary>Freezes or thaws all or the named filesystems; returns how many changed state.</summary>
    private int ChangeFrozen(NonnullDomain handle, string[] mountPoints, bool freeze)
    {
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(handle);
            RequireActive(domain);
            bool[] frozen = FrozenFilesystems.GetValue(domain, _ => new bool[GuestMountPoints.Length]);
            if (mountPoints.Length == 0)
            {
                int changed = frozen.Count(f => f != freeze);
                Array.Fill(frozen, freeze);
                return changed;
            }

            // All names are checked before anything changes: an unknown one leaves the state as it was.
            bool[] next = (bool[])frozen.Clone();
            int count = 0;
            foreach (string mountPoint in mountPoints)
            {
                int index = Array.IndexOf(GuestMountPoints, mountPoint);
                if (index < 0)
                {
                    throw MountPointNotFound(mountPoint);
                }

                if (next[index] != freeze)
                {
                    next[index] = freeze;
                    count++;
                }
            }

            next.CopyTo(frozen, 0);
            return count;
        }
    }

    private static LibvirtErrorException MountPointNotFound(string mountPoint)
        => new(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: mount point not found: {mountPoint}");

    private static void DisposeReceivedFds(ServerCall call)
    {
        foreach (var fd in call.ReceivedFds)
        {
            fd.Dispose();
        }
    }
}
