using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Rpc;

/// <summary>Encoding of outgoing frames so that a message that cannot be encoded never reaches the wire half-written.</summary>
public sealed partial class RpcConnection
{
    // Guarded by _writeLock. A frame is encoded here first and copied to the output only when complete: an
    // argument over its declared maximum would otherwise leave a partial frame in the output and desynchronise
    // the connection for every other caller.
    private readonly PooledBufferWriter _scratch = new();

    /// <summary>Writes one complete frame to the output (caller holds the write lock).</summary>
    /// <exception cref="ArgumentException">The message cannot be encoded (a value over its limit); nothing was written.</exception>
    private void WriteFrame<TBody>(in VirNetMessageHeader header, in TBody body, int fdCount = -1)
        where TBody : IXdrType<TBody>
    {
        if (typeof(TBody) == typeof(RawBody) && fdCount < 0)
        {
            // Raw stream data cannot fail half-way; only its size needs checking, so skip the copy.
            FrameWriter.Write(_pipe.Output, header, ((RawBody)(object)body!).Bytes.Span);
            return;
        }

        _scratch.Reset();
        try
        {
            if (fdCount < 0)
            {
                FrameWriter.Write(_scratch, header, body);
            }
            else
            {
                FrameWriter.WriteWithFds(_scratch, header, fdCount, body);
            }
        }
        catch (Exception e) when (e is XdrException or FrameException)
        {
            throw new ArgumentException($"Procedure {header.Proc} cannot be encoded: {e.Message}", e);
        }

        foreach (ReadOnlyMemory<byte> segment in _scratch.AsSequence())
        {
            _pipe.Output.Write(segment.Span);
        }
    }
}
