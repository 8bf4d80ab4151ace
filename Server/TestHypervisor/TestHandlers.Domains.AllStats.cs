using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>virConnectGetAllDomainStats (virsh domstats): the test driver reports only the state group.</summary>
internal sealed partial class TestHandlers
{
    // VIR_DOMAIN_STATS_STATE and _IOTHREAD: the groups the test driver knows. Our domains have no I/O threads, so the
    // second contributes nothing.
    private const uint StatsState = 1, StatsSupported = StatsState | 128;

    // Listing filters (active/inactive, persistent/transient, states) and NOWAIT, BACKING, ENFORCE_STATS.
    private const uint StatsFilters = 0xFF, StatsEnforce = 0x80000000, StatsAllowedFlags = StatsFilters | 0x20000000 | 0x40000000 | StatsEnforce;

    public override ValueTask<ConnectGetAllDomainStatsRet> ConnectGetAllDomainStatsAsync(ServerCall call, ConnectGetAllDomainStatsArgs args)
    {
        CheckFlags(args.Flags, StatsAllowedFlags, "testConnectGetAllDomainStats");
        uint stats = args.Stats;
        if (stats == 0)
        {
            stats = StatsSupported;
        }
        else if ((args.Flags & StatsEnforce) != 0 && (stats & ~StatsSupported) != 0)
        {
            throw new LibvirtErrorException(ErrorCode.ArgumentUnsupported, ErrorDomain.Test, $"argument unsupported: Stats types bits 0x{stats & ~StatsSupported:x} are not supported by this daemon");
        }

        uint filters = args.Flags & StatsFilters;
        lock (_state.Gate)
        {
            IEnumerable<TestDomain> domains = args.Doms.Length == 0
                ? _state.DomainsLocked
                : args.Doms.Select(d => _state.FindDomainLocked(d.Uuid)).OfType<TestDomain>();
            DomainStatsRecord[] records = [.. domains.Where(d => Matches(d, filters)).Select(d => new DomainStatsRecord
            {
                Dom = d.Handle,
                Params = (stats & StatsState) != 0
                    ? [IntParam("state.state", (int)d.State), IntParam("state.reason", d.Reason)]
                    : [],
            })];
            return new(new ConnectGetAllDomainStatsRet { RetStats = records });
        }
    }

    private static TypedParam IntParam(string field, int value) => new() { Field = field, Value = new TypedParamValue { Type = 1, I = value } };
}
