using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Domain lookups, listings and read-only queries, answered as libvirt's test driver answers them.</summary>
internal sealed partial class TestHandlers
{
    // VIR_CONNECT_LIST_DOMAINS_* filter bits.
    private const uint ListActive = 1, ListInactive = 2, ListPersistent = 4, ListTransient = 8, ListRunning = 16,
        ListPaused = 32, ListShutoff = 64, ListOther = 128, ListManagedSave = 256, ListAutostart = 1024,
        ListNoAutostart = 2048, ListHasSnapshot = 4096, ListHasCheckpoint = 16384;

    public override ValueTask<ConnectNumOfDomainsRet> ConnectNumOfDomainsAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfDomainsRet { Num = _state.DomainsLocked.Count(d => d.IsActive) });
        }
    }

    public override ValueTask<ConnectListDomainsRet> ConnectListDomainsAsync(ServerCall call, ConnectListDomainsArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListDomainsRet { Ids = [.. _state.DomainsLocked.Where(d => d.IsActive).Select(d => d.Id).Take(Math.Max(args.Maxids, 0))] });
        }
    }

    public override ValueTask<ConnectNumOfDefinedDomainsRet> ConnectNumOfDefinedDomainsAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfDefinedDomainsRet { Num = _state.DomainsLocked.Count(d => !d.IsActive) });
        }
    }

    public override ValueTask<ConnectListDefinedDomainsRet> ConnectListDefinedDomainsAsync(ServerCall call, ConnectListDefinedDomainsArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListDefinedDomainsRet { Names = [.. _state.DomainsLocked.Where(d => !d.IsActive).Select(d => d.Name).Take(Math.Max(args.Maxnames, 0))] });
        }
    }

    public override ValueTask<ConnectListAllDomainsRet> ConnectListAllDomainsAsync(ServerCall call, ConnectListAllDomainsArgs args)
    {
        // The sixteen VIR_CONNECT_LIST_DOMAINS_* filters.
        CheckFlags(args.Flags, 0xffff, "testConnectListAllDomains");
        lock (_state.Gate)
        {
            NonnullDomain[] matching = [.. _state.DomainsLocked.Where(d => Matches(d, args.Flags)).Select(d => d.Handle)];
            return new(new ConnectListAllDomainsRet { Domains = args.NeedResults != 0 ? matching : [], Ret = (uint)matching.Length });
        }
    }

    public override ValueTask<DomainLookupByNameRet> DomainLookupByNameAsync(ServerCall call, DomainLookupByNameArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainLookupByNameRet { Dom = (_state.FindDomainLocked(args.Name) ?? throw DomainNotFound()).Handle });
        }
    }

    public override ValueTask<DomainLookupByIdRet> DomainLookupByIdAsync(ServerCall call, DomainLookupByIdArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainLookupByIdRet { Dom = (_state.FindDomainLocked(args.Id) ?? throw DomainNotFound()).Handle });
        }
    }

    public override ValueTask<DomainLookupByUuidRet> DomainLookupByUuidAsync(ServerCall call, DomainLookupByUuidArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainLookupByUuidRet { Dom = (_state.FindDomainLocked(args.Uuid) ?? throw DomainNotFound()).Handle });
        }
    }

    public override ValueTask<DomainGetInfoRet> DomainGetInfoAsync(ServerCall call, DomainGetInfoArgs args)
    {
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            DomainDefinition def = domain.Current;
            return new(new DomainGetInfoRet
            {
                State = (byte)domain.State,
                MaxMem = def.MemoryKiB,
                Memory = def.CurrentMemoryKiB,
                NrVirtCpu = (ushort)def.Vcpus,

                // The test driver reports the wall clock as CPU time: nanoseconds, read from a microsecond clock.
                CpuTime = (ulong)WallClockMicroseconds() * 1_000,
            });
        }
    }

    public override ValueTask<DomainGetStateRet> DomainGetStateAsync(ServerCall call, DomainGetStateArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainGetState");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            return new(new DomainGetStateRet { State = (int)domain.State, Reason = domain.Reason });
        }
    }

    public override ValueTask<DomainGetXmlDescRet> DomainGetXmlDescAsync(ServerCall call, DomainGetXmlDescArgs args)
    {
        const uint Secure = 1, Inactive = 2;
        CheckFlags(args.Flags, 0xB, "testDomainGetXMLDesc");
        bool secure = (args.Flags & Secure) != 0;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            string xml = (args.Flags & Inactive) != 0
                ? (domain.Persistent ? domain.Config : domain.Current).Format(-1, secure)
                : domain.Current.Format(domain.Id, secure);
            return new(new DomainGetXmlDescRet { Xml = xml });
        }
    }

    public override ValueTask<DomainIsActiveRet> DomainIsActiveAsync(ServerCall call, DomainIsActiveArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainIsActiveRet { Active = _state.GetDomainLocked(args.Dom).IsActive ? 1 : 0 });
        }
    }

    public override ValueTask<DomainIsPersistentRet> DomainIsPersistentAsync(ServerCall call, DomainIsPersistentArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainIsPersistentRet { Persistent = _state.GetDomainLocked(args.Dom).Persistent ? 1 : 0 });
        }
    }

    public override ValueTask<DomainIsUpdatedRet> DomainIsUpdatedAsync(ServerCall call, DomainIsUpdatedArgs args) => new(new DomainIsUpdatedRet { Updated = 0 });

    // The test driver answers "linux" for every domain, without looking it up.
    public override ValueTask<DomainGetOsTypeRet> DomainGetOsTypeAsync(ServerCall call, DomainGetOsTypeArgs args) => new(new DomainGetOsTypeRet { Type = "linux" });

    public override ValueTask<DomainGetMaxMemoryRet> DomainGetMaxMemoryAsync(ServerCall call, DomainGetMaxMemoryArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainGetMaxMemoryRet { Memory = _state.GetDomainLocked(args.Dom).Current.MemoryKiB });
        }
    }

    public override ValueTask<DomainGetMaxVcpusRet> DomainGetMaxVcpusAsync(ServerCall call, DomainGetMaxVcpusArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainGetMaxVcpusRet { Num = _state.GetDomainLocked(args.Dom).Current.MaxVcpus });
        }
    }

    public override ValueTask<DomainGetVcpusFlagsRet> DomainGetVcpusFlagsAsync(ServerCall call, DomainGetVcpusFlagsArgs args)
    {
        const uint Maximum = 4;
        CheckFlags(args.Flags, 7, "testDomainGetVcpusFlags");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            DomainDefinition def = OneDefinition(domain, args.Flags & 3);
            return new(new DomainGetVcpusFlagsRet { Num = (args.Flags & Maximum) != 0 ? def.MaxVcpus : def.Vcpus });
        }
    }

    public override ValueTask<DomainGetAutostartRet> DomainGetAutostartAsync(ServerCall call, DomainGetAutostartArgs args)
    {
        lock (_state.Gate)
        {
            return new(new DomainGetAutostartRet { Autostart = _state.GetDomainLocked(args.Dom).Autostart ? 1 : 0 });
        }
    }

    public override ValueTask DomainSetAutostartAsync(ServerCall call, DomainSetAutostartArgs args)
    {
        lock (_state.Gate)
        {
            _state.GetDomainLocked(args.Dom).Autostart = args.Autostart != 0;
        }

        return default;
    }

    public override ValueTask<DomainHasManagedSaveImageRet> DomainHasManagedSaveImageAsync(ServerCall call, DomainHasManagedSaveImageArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainHasManagedSaveImage");
        lock (_state.Gate)
        {
            return new(new DomainHasManagedSaveImageRet { Result = _state.GetDomainLocked(args.Dom).HasManagedSave ? 1 : 0 });
        }
    }

    public override ValueTask<DomainGetSecurityLabelRet> DomainGetSecurityLabelAsync(ServerCall call, DomainGetSecurityLabelArgs args)
    {
        lock (_state.Gate)
        {
            bool active = _state.GetDomainLocked(args.Dom).IsActive;

            // libvirtd sends the label with its terminating NUL.
            return new(new DomainGetSecurityLabelRet { Label = active ? "libvirt-test\0"u8.ToArray() : [0], Enforcing = active ? 1 : 0 });
        }
    }

    public override ValueTask<DomainGetSchedulerTypeRet> DomainGetSchedulerTypeAsync(ServerCall call, DomainGetSchedulerTypeArgs args)
        => new(new DomainGetSchedulerTypeRet { Type = "fair", Nparams = 1 });

    public override ValueTask<DomainGetSchedulerParametersRet> DomainGetSchedulerParametersAsync(ServerCall call, DomainGetSchedulerParametersArgs args)
    {
        lock (_state.Gate)
        {
            _state.GetDomainLocked(args.Dom);
        }

        return new(new DomainGetSchedulerParametersRet { Params = [SchedulerWeight()] });
    }

    public override ValueTask<DomainGetSchedulerParametersFlagsRet> DomainGetSchedulerParametersFlagsAsync(ServerCall call, DomainGetSchedulerParametersFlagsArgs args)
    {
        // libvirtd's copy of the API adds the string-okay bit, which the test driver does not accept.
        CheckFlags(args.Flags | StringOkay, 0, "testDomainGetSchedulerParametersFlags");
        lock (_state.Gate)
        {
            _state.GetDomainLocked(args.Dom);
        }

        return new(new DomainGetSchedulerParametersFlagsRet { Params = [SchedulerWeight()] });
    }

    private static TypedParam SchedulerWeight() => new() { Field = "weight", Value = new TypedParamValue { Type = 2, Ui = 50 } };

    private static LibvirtErrorException DomainNotFound() => new(ErrorCode.NoDomain, ErrorDomain.Test, "Domain not found");

    /// <summary>libvirt's virCheckFlags refusal, naming the driver function as libvirt does.</summary>
    private static void CheckFlags(uint flags, uint allowed, string function)
    {
        if ((flags & ~allowed) != 0)
        {
            // virCheckFlags raises its message as is, without the "invalid argument: " prefix.
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"unsupported flags (0x{flags & ~allowed:x}) in function {function}")
            {
                Str1 = function,
                Str2 = "flags",
            };
        }
    }

    /// <summary>The definition a LIVE/CONFIG flag pair selects, with libvirt's errors for impossible choices.</summary>
    private static DomainDefinition OneDefinition(TestDomain domain, uint affect)
    {
        const uint Live = 1, Config = 2;
        if (affect == (Live | Config))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
        }

        bool live = affect == Live || (affect == 0 && domain.IsActive);
        if (live && !domain.IsActive)
        {
            throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: domain is not running");
        }

        if (!live && !domain.Persistent)
        {
            throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: transient domains do not have any persistent config");
        }

        return live ? domain.Current : domain.Config;
    }

    private static bool Matches(TestDomain domain, uint flags)
    {
        bool Group(uint bits, bool first, bool second) => (flags & bits) == 0 || (first && (flags & (bits & ~(bits - 1))) != 0) || (second && (flags & (bits & (bits - 1))) != 0);

        bool active = domain.IsActive;
        if (!Group(ListActive | ListInactive, active, !active) || !Group(ListPersistent | ListTransient, domain.Persistent, !domain.Persistent)
            || !Group(ListAutostart | ListNoAutostart, domain.Autostart, !domain.Autostart)
            || !Group(ListManagedSave | (ListManagedSave << 1), domain.HasManagedSave, !domain.HasManagedSave) || !Group(ListHasSnapshot | (ListHasSnapshot << 1), domain.Snapshots.Count > 0, domain.Snapshots.Count == 0)
            || !Group(ListHasCheckpoint | (ListHasCheckpoint << 1), domain.Checkpoints.Count > 0, domain.Checkpoints.Count == 0))
        {
            return false;
        }

        const uint States = ListRunning | ListPaused | ListShutoff | ListOther;
        if ((flags & States) == 0)
        {
            return true;
        }

        return domain.State switch
        {
            DomainState.Running => (flags & ListRunning) != 0,
            DomainState.Paused => (flags & ListPaused) != 0,
            DomainState.Shutoff => (flags & ListShutoff) != 0,
            _ => (flags & ListOther) != 0,
        };
    }
}
