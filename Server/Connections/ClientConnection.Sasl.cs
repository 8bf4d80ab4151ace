using System.Buffers;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Connections;

/// <summary>SASL authentication (AUTH_SASL_INIT / START / STEP).</summary>
internal sealed partial class ClientConnection
{
    private void HandleSasl(ServerCall call, ReadOnlySequence<byte> body)
    {
        _ = body;
        _ = _listener;
        call.Fail(new LibvirtErrorException(ErrorCode.AuthFailed, ErrorDomain.Rpc, "authentication failed: SASL is not offered on this listener"));
    }
}
