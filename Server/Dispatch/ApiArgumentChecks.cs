using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>
/// Argument checks that libvirt's public API functions make before their read-only check, limited to arguments a
/// client can actually leave empty on the wire (a null optional string, an empty array, a zero number, missing
/// descriptors). libvirtd answers these with "invalid argument" on every connection, read-only or not, and before the
/// driver sees the call; so does the server, whatever the backend implements.
/// </summary>
internal static partial class ApiArgumentChecks
{
    /// <summary>The error libvirtd answers with, or null when the call passes.</summary>
    public static LibvirtErrorException? Refuse(ProcedureTable table, ProcedureInfo info, ReadOnlySequence<byte> body, int fdCount)
    {
        try
        {
            if (table == QemuProtocol.Procedures)
            {
                return info.Number == (int)QemuProcedure.DomainAttach && DispatcherChecks.Decode<QemuDomainAttachArgs>(body).PidValue == 0
                    ? MustNotBeZero(info, "pid_value")
                    : null;
            }

            if (table != RemoteProtocol.Procedures)
            {
                return null;
            }

            switch ((Procedure)info.Number)
            {
                case Procedure.DomainSendProcessSignal:
                    return DispatcherChecks.Decode<DomainSendProcessSignalArgs>(body).PidValue == 0 ? MustNotBeZero(info, "pid_value") : null;
                case Procedure.DomainRename:
                    return DispatcherChecks.Decode<DomainRenameArgs>(body).NewName switch
                    {
                        null => MustNotBeNull(info, "new_name"),
                        "" => Invalid(info, $"string new_name in {info.PublicApi} must not be empty"),
                        _ => null,
                    };
                case Procedure.ConnectBaselineCpu:
                    return DispatcherChecks.Decode<ConnectBaselineCpuArgs>(body).XmlCPUs.Length == 0 ? MustNotBeNull(info, "xmlCPUs") : null;
                case Procedure.ConnectBaselineHypervisorCpu:
                    return DispatcherChecks.Decode<ConnectBaselineHypervisorCpuArgs>(body).XmlCPUs.Length == 0 ? MustNotBeNull(info, "xmlCPUs") : null;
                case Procedure.DomainSetLaunchSecurityState:
                    return DispatcherChecks.Decode<DomainSetLaunchSecurityStateArgs>(body).Params.Length == 0 ? MustNotBeNull(info, "params") : null;
                case Procedure.DomainFdAssociate:
                    // The descriptors are the message's own; libvirtd hands their count to the API as nfds.
                    return fdCount == 0 ? MustNotBeZero(info, "nfds") : null;
                case Procedure.DomainOpenGraphics:
                    // libvirtd's dispatcher takes the descriptor from the message before the API runs.
                    return fdCount == 0 ? LibvirtErrorException.Internal("No FD available at slot 0") : null;
                default:
                    return RefuseParameterCount(info, body);
            }
        }
        catch (XdrException)
        {
            // The dispatch proper reports the decoding error.
            return null;
        }
    }

    private static LibvirtErrorException MustNotBeZero(ProcedureInfo info, string argument)
        => Invalid(info, $"{argument} in {info.PublicApi} must not be zero");

    private static LibvirtErrorException MustNotBeNull(ProcedureInfo info, string argument)
        => Invalid(info, $"{argument} in {info.PublicApi} must not be NULL");

    private static LibvirtErrorException Invalid(ProcedureInfo info, string message)
        => new(ErrorCode.InvalidArg, (ErrorDomain)info.ErrorDomain, message);
}
