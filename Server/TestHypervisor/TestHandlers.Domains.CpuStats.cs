using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Per-domain CPU statistics and the bulk domain statistics, with the test driver's fixed figures: a total CPU time
/// of 48772617035 ns shared by the host's two cores, and only the "state" group in bulk statistics.
/// </summary>
internal sealed partial class TestHandlers
{
    private const ulong TotalCpuTime = 48772617035;
    private const int StatsCores = 2;

    // VIR_DOMAIN_STATS_STATE and VIR_DOMAIN_STATS_IOTHREAD; the test driver knows no others.
    private const uint StatsState = 1, StatsIoThread = 128;
    private const uint StatsNoWait = 1u << 29, StatsBacking = 1u << 30, StatsEnforce = 1u << 31;

    public override ValueTask<DomainGetCpuStatsRet> DomainGetCpuStatsAsync(ServerCall call, DomainGetCpuStatsArgs args)
    {
        // The daemon's own limit on what it allocates comes first (its nparams limit is checked in dispatch).
        if (args.Ncpus > 128)
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Rpc, "internal error: ncpus too large");
        }

        CheckFlags(args.Flags, 4, "testDomainGetCPUStats");
        lock (_state.Gate)
        {
            if (!_state.GetDomainLocked(args.Dom).IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: domain is not running");
            }
        }

        return new(args.StartCpu == -1 ? TotalCpuStats(args.Nparams) : PerCpuStats(args));
    }

    public override ValueTask<ConnectGetAllDomainStatsRet> ConnectGetAllDomainStatsAsync(ServerCall call, ConnectGetAllDomainStatsArgs args)
    {
        const uint Filters = ListActive | ListInactive | ListPersistent | ListTransient | ListRunning | ListPaused | ListShutoff | ListOther;
        CheckFlags(args.Flags, Filters | StatsNoWait | StatsBacking | StatsEnforce, "testConnectGetAllDomainStats");
        uint stats = args.Stats;
        const uint Supported = StatsState | StatsIoThread;
        if (stats == 0)
        {
            stats = Supported;
        }
        else if ((args.Flags & StatsEnforce) != 0 && (stats & ~Supported) != 0)
        {
            throw new LibvirtErrorException(ErrorCode.ArgumentUnsupported, ErrorDomain.Test, $"argument unsupported: Stats types bits 0x{stats & ~Supported:x} are not supported by this daemon");
        }

        uint filter = args.Flags & Filters;
        lock (_state.Gate)
        {
            // Named domains that no longer exist are skipped, as libvirt does for bulk statistics.
            IEnumerable<TestDomain> domains = args.Doms.Length > 0
                ? args.Doms.Select(d => _state.FindDomainLocked(d.Uuid)).OfType<TestDomain>()
                : _state.DomainsLocked;
            DomainStatsRecord[] records = [.. domains.Where(d => Matches(d, filter)).Select(d => new DomainStatsRecord
            {
                Dom = d.Handle,
                Params = [
                    .. (stats & StatsState) != 0 ? [StatsIntParam("state.state", (int)d.State), StatsIntParam("state.reason", d.Reason)] : Array.Empty<TypedParam>(),
                    .. (stats & StatsIoThread) != 0 ? IoThreadStats(d) : [],
                ],
            })];
            return new(new ConnectGetAllDomainStatsRet { RetStats = records });
        }
    }

    private static DomainGetCpuStatsRet TotalCpuStats(uint nparams)
    {
        TypedParam[] all =
        [
            StatsULongParam("cpu_time", TotalCpuTime),
            StatsULongParam("user_time", 5540000000),
            StatsULongParam("system_time", 6460000000),
        ];
        return nparams == 0
            ? new DomainGetCpuStatsRet { Params = [], Nparams = all.Length }
            : new DomainGetCpuStatsRet { Params = all[..(int)Math.Min(nparams, 3)], Nparams = (int)Math.Min(nparams, 3) };
    }

    private static DomainGetCpuStatsRet PerCpuStats(DomainGetCpuStatsArgs args)
    {
        if (args.Ncpus == 0)
        {
            return new DomainGetCpuStatsRet { Params = [], Nparams = StatsCores };
        }

        if (args.Nparams == 0)
        {
            return new DomainGetCpuStatsRet { Params = [], Nparams = 2 };
        }

        if (args.StartCpu >= StatsCores)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: start_cpu {args.StartCpu} larger than maximum of {StatsCores - 1}");
        }

        const ulong PerCpu = TotalCpuTime / StatsCores;
        int end = (int)Math.Min(StatsCores, args.StartCpu + (long)args.Ncpus);
        int perCpuParams = args.Nparams > 1 ? 2 : 1;
        var values = new List<TypedParam>();
        for (int cpu = args.StartCpu; cpu < end; cpu++)
        {
            values.Add(StatsULongParam("cpu_time", PerCpu + (ulong)cpu));
            if (perCpuParams > 1)
            {
                values.Add(StatsULongParam("vcpu_time", PerCpu + (ulong)cpu - 1234567890));
            }
        }

        return new DomainGetCpuStatsRet { Params = [.. values], Nparams = perCpuParams };
    }

    private static TypedParam StatsIntParam(string field, int value) => new() { Field = field, Value = new TypedParamValue { Type = 1, I = value } };

    private static TypedParam StatsULongParam(string field, ulong value) => new() { Field = field, Value = new TypedParamValue { Type = 4, Ul = value } };
}
