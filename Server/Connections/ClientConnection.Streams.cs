using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Streams;

namespace LibvirtRemote.Server.Connections;

/// <summary>Streams opened by this client's calls, found by the serial of the opening call.</summary>
internal sealed partial class ClientConnection
{
    internal ServerStream OpenStream(ServerCall call)
    {
        var stream = new ServerStream(this, call);
        lock (_streamGate)
        {
            (_streams ??= [])[call.Serial] = stream;
        }

        return stream;
    }

    internal void RemoveStream(ServerStream stream)
    {
        lock (_streamGate)
        {
            if (_streams is not null && _streams.TryGetValue(stream.Serial, out ServerStream? current) && ReferenceEquals(current, stream))
            {
                _streams.Remove(stream.Serial);
            }
        }
    }

    /// <summary>Routes a stream packet; false when it breaks the protocol (the connection ends, as with libvirtd).</summary>
    private bool HandleStreamPacket(in VirNetMessageHeader header, ReadOnlySequence<byte> body)
    {
        ServerStream? stream = null;
        lock (_streamGate)
        {
            _streams?.TryGetValue(header.Serial, out stream);
        }

        if (stream is null || stream.Procedure != header.Proc)
        {
            // Packets can still arrive for a stream that has just ended; libvirtd ignores them too.
            return true;
        }

        if (!stream.OnPacket(header, body, out bool holdsSlot))
        {
            Server.Log(LogLevelName.Warning, $"client {Context.Id}: unexpected stream hole on serial {header.Serial}");
            return false;
        }

        if (holdsSlot)
        {
            TakeRequestSlot();
        }

        return true;
    }
}
