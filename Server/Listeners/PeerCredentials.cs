using System.Buffers.Binary;
using System.Net.Sockets;

namespace LibvirtRemote.Server.Listeners;

/// <summary>The identity of the process at the other end of a Unix socket (Linux SO_PEERCRED).</summary>
internal static class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>Reads pid, uid and gid of the peer; null where the platform cannot tell.</summary>
    public static (int Pid, int Uid, int Gid)? Read(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> ucred = stackalloc byte[12];
        try
        {
            int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length < 12)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(ucred), BinaryPrimitives.ReadInt32LittleEndian(ucred[4..]), BinaryPrimitives.ReadInt32LittleEndian(ucred[8..]));
    }

    /// <summary>The real user id of this process (from /proc, which avoids native interop here).</summary>
    public static int CurrentUserId()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
