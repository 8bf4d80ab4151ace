using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>The security label list, which the test driver lacks but libvirtd still answers.</summary>
internal sealed partial class TestHandlers
{
    /// <summary>
    /// libvirtd's dispatcher for this call drops the driver's failure and replies with success and a count of -1 (no
    /// domain lookup either), so clients report an error of unknown cause rather than "not supported".
    /// </summary>
    public override ValueTask<DomainGetSecurityLabelListRet> DomainGetSecurityLabelListAsync(ServerCall call, DomainGetSecurityLabelListArgs args)
        => new(new DomainGetSecurityLabelListRet { Labels = [], Ret = -1 });
}
