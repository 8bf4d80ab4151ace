using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Small per-domain queries of the test driver: control state, key presses, disk errors, perf events and
/// launch security.
/// </summary>
internal sealed partial class TestHandlers
{
    // virPerfEventType names in libvirt's order.
    private static readonly string[] PerfEvents =
    [
        "cmt", "mbmt", "mbml", "cpu_cycles", "instructions", "cache_references", "cache_misses", "branch_instructions",
        "branch_misses", "bus_cycles", "stalled_cycles_frontend", "stalled_cycles_backend", "ref_cpu_cycles", "cpu_clock",
        "task_clock", "page_faults", "context_switches", "cpu_migrations", "page_faults_min", "page_faults_maj",
        "alignment_faults", "emulation_faults",
    ];

    public override ValueTask<DomainGetControlInfoRet> DomainGetControlInfoAsync(ServerCall call, DomainGetControlInfoArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainGetControlInfo");
        long seconds;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            seconds = domain.GuestTime.Seconds;
        }

        // The test driver derives a control state from the guest clock so clients can see each one: (0, 10000) a job,
        // [10000, 30000) occupied, [30000, 60000) an error whose reason cycles, anything else OK.
        DomainGetControlInfoRet info = seconds switch
        {
            > 0 and < 10000 => new() { State = 1, StateTime = (ulong)seconds },
            >= 10000 and < 30000 => new() { State = 2, StateTime = (ulong)(seconds - 10000) },
            >= 30000 and < 60000 => new() { State = 3, Details = (uint)(seconds % 4), StateTime = (ulong)(seconds - 30000) },
            _ => new() { State = 0 },
        };
        return new(info);
    }

    public override ValueTask DomainSendKeyAsync(ServerCall call, DomainSendKeyArgs args)
    {
        // libvirt's API entry checks the codeset before any driver sees the call.
        if (args.Codeset >= KeyCodesets.Names.Length)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: Unsupported codeset '{(int)args.Codeset}'");
        }

        CheckFlags(args.Flags, 0, "testDomainSendKey");
        lock (_state.Gate)
        {
            RequireActive(_state.GetDomainLocked(args.Dom));
        }

        foreach (uint code in args.Keycodes)
        {
            if (!KeyCodesets.Contains((int)args.Codeset, code))
            {
                throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Test, $"internal error: invalid keycode {code} of {KeyCodesets.Names[args.Codeset]} codeset");
            }
        }

        return default;
    }

    public override ValueTask<DomainGetDiskErrorsRet> DomainGetDiskErrorsAsync(ServerCall call, DomainGetDiskErrorsArgs args)
    {
        if (args.Maxerrors > 256)
        {
            throw Internal("maxerrors too large");
        }

        CheckFlags(args.Flags, 0, "testDomainGetDiskErrors");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            string[] disks = [.. domain.Current.Devices.Where(d => d.Name.LocalName == "disk").Select(DiskTarget)];
            if (args.Maxerrors == 0)
            {
                return new(new DomainGetDiskErrorsRet { Errors = [], Nerrors = disks.Length });
            }

            // Made-up errors alternating "unspecified" (1) and "no space" (2).
            DomainDiskError[] errors = [.. disks.Take((int)args.Maxerrors).Select((disk, i) => new DomainDiskError { Disk = disk, Error = (i % 2) + 1 })];
            return new(new DomainGetDiskErrorsRet { Errors = errors, Nerrors = errors.Length });
        }
    }

    public override ValueTask<DomainGetPerfEventsRet> DomainGetPerfEventsAsync(ServerCall call, DomainGetPerfEventsArgs args)
    {
        CheckFlags(args.Flags, 3 | StringOkay, "testDomainGetPerfEvents");
        lock (_state.Gate)
        {
            Dictionary<string, bool> events = PerfEventStates(OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags & 3));
            return new(new DomainGetPerfEventsRet
            {
                Params = [.. PerfEvents.Select(name => new TypedParam { Field = name, Value = new TypedParamValue { Type = 6, B = events.GetValueOrDefault(name) ? 1 : 0 } })],
            });
        }
    }

    public override ValueTask<DomainGetLaunchSecurityInfoRet> DomainGetLaunchSecurityInfoAsync(ServerCall call, DomainGetLaunchSecurityInfoArgs args)
    {
        // The test driver accepts no flags at all, not even the string-okay bit libvirtd's copy of the API adds to every
        // call, so this call fails whatever the client sends.
        CheckFlags(args.Flags | StringOkay, 0, "testDomainGetLaunchSecurityInfo");
        return new(new DomainGetLaunchSecurityInfoRet { Params = [] });
    }
}
