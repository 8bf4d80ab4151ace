using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>
/// Argument checks libvirtd's remote dispatcher makes itself, before the driver (and so before "not supported")
/// sees the call.
/// </summary>
internal static partial class DispatcherChecks
{
    /// <summary>The error libvirtd answers with, or null when the call passes.</summary>
    public static LibvirtErrorException? Refuse(int procedure, ReadOnlySequence<byte> body)
    {
        try
        {
            switch ((Procedure)procedure)
            {
                case Procedure.DomainMemoryPeek:
                    return Decode<DomainMemoryPeekArgs>(body).Size > RemoteProtocol.RemoteDomainMemoryPeekBufferMax
                        ? LibvirtErrorException.Internal("size > maximum buffer size")
                        : null;
                case Procedure.DomainBlockPeek:
                    return Decode<DomainBlockPeekArgs>(body).Size > RemoteProtocol.RemoteDomainBlockPeekBufferMax
                        ? LibvirtErrorException.Internal("size > maximum buffer size")
                        : null;
                default:
                    return RefuseParameterCount((Procedure)procedure, body);
            }
        }
        catch (XdrException)
        {
            // The dispatch proper reports the decoding error.
            return null;
        }
    }

    /// <summary>Decodes a call's arguments as the dispatch proper will, leniently about optional flags, as libvirtd.</summary>
    internal static T Decode<T>(ReadOnlySequence<byte> body)
        where T : IXdrType<T>
    {
        var reader = new XdrReader(body) { LenientOptionalFlags = true };
        return T.Decode(ref reader);
    }
}
