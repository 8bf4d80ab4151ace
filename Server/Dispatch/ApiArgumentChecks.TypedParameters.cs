using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>
/// The typed-parameter arguments libvirt's public API insists on. A C client never sends an empty list or a zero
/// count here (its own copy of the API refuses first), but any other client can, and libvirtd then answers from the
/// daemon's copy of the API before the driver sees the call.
/// </summary>
internal static partial class ApiArgumentChecks
{
    /// <summary>
    /// The Get*Parameters calls whose API wants a buffer even to report the count: libvirtd's dispatcher allocates none
    /// for nparams 0, so the API finds a NULL one. No read-only check stands before these (the calls read).
    /// </summary>
    private static LibvirtErrorException? RefuseParameterCount(ProcedureInfo info, ReadOnlySequence<byte> body)
    {
        int? count = (Procedure)info.Number switch
        {
            Procedure.DomainGetSchedulerParameters => DispatcherChecks.Decode<DomainGetSchedulerParametersArgs>(body).Nparams,
            Procedure.DomainGetSchedulerParametersFlags => DispatcherChecks.Decode<DomainGetSchedulerParametersFlagsArgs>(body).Nparams,
            _ => null,
        };

        // Negative and oversized counts never get here: libvirtd's dispatcher refuses them first (DispatcherChecks).
        return count == 0 ? MustNotBeNull(info, "params") : null;
    }

    /// <summary>
    /// The Set*Parameters calls: their API checks read-only access first and the parameter list after it, so these
    /// run after the server's read-only check.
    /// </summary>
    public static LibvirtErrorException? RefuseAfterReadOnly(ProcedureInfo info, ReadOnlySequence<byte> body)
    {
        try
        {
            int? count = (Procedure)info.Number switch
            {
                Procedure.DomainSetSchedulerParameters => DispatcherChecks.Decode<DomainSetSchedulerParametersArgs>(body).Params.Length,
                Procedure.DomainSetSchedulerParametersFlags => DispatcherChecks.Decode<DomainSetSchedulerParametersFlagsArgs>(body).Params.Length,
                Procedure.DomainSetMemoryParameters => DispatcherChecks.Decode<DomainSetMemoryParametersArgs>(body).Params.Length,
                Procedure.DomainSetBlkioParameters => DispatcherChecks.Decode<DomainSetBlkioParametersArgs>(body).Params.Length,
                Procedure.DomainSetNumaParameters => DispatcherChecks.Decode<DomainSetNumaParametersArgs>(body).Params.Length,
                Procedure.DomainSetInterfaceParameters => DispatcherChecks.Decode<DomainSetInterfaceParametersArgs>(body).Params.Length,
                Procedure.DomainSetPerfEvents => DispatcherChecks.Decode<DomainSetPerfEventsArgs>(body).Params.Length,
                Procedure.DomainSetIothreadParams => DispatcherChecks.Decode<DomainSetIothreadParamsArgs>(body).Params.Length,
                Procedure.NodeSetMemoryParameters => DispatcherChecks.Decode<NodeSetMemoryParametersArgs>(body).Params.Length,
                Procedure.DomainSetBlockIoTune => DispatcherChecks.Decode<DomainSetBlockIoTuneArgs>(body).Params.Length,
                _ => null,
            };
            return count switch
            {
                // This one checks the count only (the disk comes first, and the wire cannot leave it out).
                0 when info.Number == (int)Procedure.DomainSetBlockIoTune => Invalid(info, $"nparams in {info.PublicApi} must be greater than zero"),
                0 => MustNotBeNull(info, "params"),
                _ => null,
            };
        }
        catch (XdrException)
        {
            // The dispatch proper reports the decoding error.
            return null;
        }
    }
}
