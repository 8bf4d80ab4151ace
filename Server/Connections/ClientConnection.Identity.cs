using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Dispatch;

namespace LibvirtRemote.Server.Connections;

/// <summary>
/// CONNECT_GET_URI and CONNECT_SET_IDENTITY: libvirtd answers both itself, from its own record of the client's
/// connection, without asking the driver.
/// </summary>
internal sealed partial class ClientConnection
{
    /// <summary>The identity fields libvirtd accepts from a client that forwards one, with their typed-parameter types.</summary>
    private static readonly (string Field, int Type)[] IdentityFields =
    [
        ("user-name", 7), ("unix-user-id", 4), ("group-name", 7), ("unix-group-id", 4), ("process-id", 3),
        ("process-time", 4), ("sasl-user-name", 7), ("x509-distinguished-name", 7), ("selinux-context", 7), ("system.token", 7),
    ];

    private TypedParam[] _forwardedIdentity = [];

    /// <summary>The identity the client forwarded (CONNECT_SET_IDENTITY); empty until it does.</summary>
    internal IReadOnlyList<TypedParam> ForwardedIdentity => Volatile.Read(ref _forwardedIdentity);

    private bool TryHandleIdentityCall(ServerCall call, System.Buffers.ReadOnlySequence<byte> body)
    {
        switch ((Procedure)call.Procedure)
        {
            case Procedure.ConnectGetUri when !string.IsNullOrEmpty(Context.OpenedUri):
                // The URI the hypervisor connection was opened with; a client that opened without one leaves it to the backend.
                Observe(HandlerDispatch.Run<ClientConnection, Xdr.XdrVoid, ConnectGetUriRet>(this, call, body, static (c, _, _) => new(new ConnectGetUriRet { Uri = c.Context.OpenedUri! })));
                return true;
            case Procedure.ConnectSetIdentity:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectSetIdentityArgs>(this, call, body, static (c, _, a) => c.SetIdentity(a)));
                return true;
            default:
                return false;
        }
    }

    private ValueTask SetIdentity(ConnectSetIdentityArgs args)
    {
        // Checked as libvirt checks it; the flags are ignored, as libvirtd ignores them.
        TypedParamsValidator.Validate(args.Params, IdentityFields);
        Volatile.Write(ref _forwardedIdentity, args.Params);
        return default;
    }
}
