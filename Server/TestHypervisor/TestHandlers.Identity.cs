using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>The identity a trusted client forwards for the user it acts for (virConnectSetIdentity).</summary>
internal sealed partial class TestHandlers
{
    private const int ParamString = 7;
    private const int ParamLlong = 3;
    private const int ParamUllong = 4;

    // libvirtd handles this call itself rather than in a driver: it checks the names and types, keeps the identity on
    // the client and ignores the flags. Nothing here acts on an identity, so a valid one is simply accepted.
    public override ValueTask ConnectSetIdentityAsync(ServerCall call, ConnectSetIdentityArgs args)
    {
        TypedParamsValidator.Validate(
            args.Params,
            ("user-name", ParamString),
            ("unix-user-id", ParamUllong),
            ("group-name", ParamString),
            ("unix-group-id", ParamUllong),
            ("process-id", ParamLlong),
            ("process-time", ParamUllong),
            ("sasl-user-name", ParamString),
            ("x509-distinguished-name", ParamString),
            ("selinux-context", ParamString),
            ("system.token", ParamString));
        return default;
    }
}
