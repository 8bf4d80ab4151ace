using System.Net.Sockets;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>How a peer vanishes abruptly.</summary>
internal static class SocketReset
{
    /// <summary>Closes with linger 0: the kernel answers with RST (no FIN, no TLS close_notify) and discards unsent data.</summary>
    public static void LingerReset(this Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }
}
