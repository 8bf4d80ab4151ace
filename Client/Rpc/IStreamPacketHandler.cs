using LibvirtRemote.Transport.Framing;

namespace LibvirtRemote.Client.Rpc;

/// <summary>
/// Receives the STREAM and STREAM_HOLE packets of one stream, routed by the serial of the call that opened
/// it. Called on the read loop: copy what is needed out of the frame and return without blocking.
/// </summary>
public interface IStreamPacketHandler
{
    /// <summary>The serial of the opening call; set by the connection before the call is sent.</summary>
    uint Serial { get; set; }

    /// <summary>One packet for this stream (data, hole, end, finish confirmation or error).</summary>
    void OnPacket(in Frame frame);

    /// <summary>The connection ended; the stream fails with <paramref name="error"/>.</summary>
    void OnConnectionFailed(Exception error);
}
