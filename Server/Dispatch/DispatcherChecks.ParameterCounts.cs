using System.Buffers;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>
/// The typed-parameter counts libvirtd's dispatcher checks itself before it allocates room for the reply: a
/// negative count or one above the protocol's limit fails with an internal error in the RPC domain, whatever the
/// driver would have said.
/// </summary>
internal static partial class DispatcherChecks
{
    private static LibvirtErrorException? RefuseParameterCount(Procedure procedure, ReadOnlySequence<byte> body)
    {
        (long Count, int Max)? asked = procedure switch
        {
            Procedure.DomainGetSchedulerParameters => (Decode<DomainGetSchedulerParametersArgs>(body).Nparams, RemoteProtocol.RemoteDomainSchedulerParametersMax),
            Procedure.DomainGetSchedulerParametersFlags => (Decode<DomainGetSchedulerParametersFlagsArgs>(body).Nparams, RemoteProtocol.RemoteDomainSchedulerParametersMax),
            Procedure.DomainBlockStatsFlags => (Decode<DomainBlockStatsFlagsArgs>(body).Nparams, RemoteProtocol.RemoteDomainBlockStatsParametersMax),
            Procedure.DomainGetMemoryParameters => (Decode<DomainGetMemoryParametersArgs>(body).Nparams, RemoteProtocol.RemoteDomainMemoryParametersMax),
            Procedure.DomainGetNumaParameters => (Decode<DomainGetNumaParametersArgs>(body).Nparams, RemoteProtocol.RemoteDomainNumaParametersMax),
            Procedure.DomainGetBlkioParameters => (Decode<DomainGetBlkioParametersArgs>(body).Nparams, RemoteProtocol.RemoteDomainBlkioParametersMax),
            Procedure.NodeGetCpuStats => (Decode<NodeGetCpuStatsArgs>(body).Nparams, RemoteProtocol.RemoteNodeCpuStatsMax),
            Procedure.NodeGetMemoryStats => (Decode<NodeGetMemoryStatsArgs>(body).Nparams, RemoteProtocol.RemoteNodeMemoryStatsMax),
            Procedure.DomainGetBlockIoTune => (Decode<DomainGetBlockIoTuneArgs>(body).Nparams, RemoteProtocol.RemoteDomainBlockIoTuneParametersMax),
            Procedure.DomainGetInterfaceParameters => (Decode<DomainGetInterfaceParametersArgs>(body).Nparams, RemoteProtocol.RemoteDomainInterfaceParametersMax),
            Procedure.NodeGetMemoryParameters => (Decode<NodeGetMemoryParametersArgs>(body).Nparams, RemoteProtocol.RemoteNodeMemoryParametersMax),

            // Unsigned on the wire, so never negative; libvirtd compares it with the node's limit, not the domain's.
            Procedure.DomainGetCpuStats => (Decode<DomainGetCpuStatsArgs>(body).Nparams, RemoteProtocol.RemoteNodeCpuStatsMax),
            _ => null,
        };
        return asked switch
        {
            null => null,
            ({ } count, _) when count < 0 => LibvirtErrorException.Internal("nparams must be non-negative"),
            ({ } count, int max) when count > max => LibvirtErrorException.Internal("nparams too large"),
            _ => null,
        };
    }
}
