using System.Runtime.InteropServices;

namespace LibvirtRemote.Transport.Native;

/// <summary>A plain send and the descriptor's blocking mode, without the runtime's socket engine in between.</summary>
internal static unsafe partial class UnixSocketNative
{
    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int ONonBlock = 0x800;

    /// <summary>
    /// Sends what the socket takes at once, never blocking whatever the descriptor's mode. Returns the byte count,
    /// 0 when the socket buffer is full (EAGAIN), or -1 with <paramref name="errno"/> set.
    /// </summary>
    public static int Send(SafeHandle socket, ReadOnlySpan<byte> bytes, out int errno)
    {
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            fixed (byte* data = bytes)
            {
                while (true)
                {
                    nint sent = SendBytes((int)socket.DangerousGetHandle(), data, (nuint)bytes.Length, MsgDontWait | MsgNoSignal);
                    if (sent >= 0)
                    {
                        errno = 0;
                        return (int)sent;
                    }

                    errno = Marshal.GetLastPInvokeError();
                    if (errno != EINTR)
                    {
                        return errno == EAGAIN ? 0 : -1;
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>Sets or clears O_NONBLOCK on the descriptor; false with <paramref name="errno"/> set on failure.</summary>
    public static bool SetNonBlocking(SafeHandle socket, bool nonBlocking, out int errno)
    {
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            int fd = (int)socket.DangerousGetHandle();
            int flags = Fcntl(fd, FGetFl, 0);
            if (flags >= 0)
            {
                int wanted = nonBlocking ? flags | ONonBlock : flags & ~ONonBlock;
                if (wanted == flags || Fcntl(fd, FSetFl, wanted) == 0)
                {
                    errno = 0;
                    return true;
                }
            }

            errno = Marshal.GetLastPInvokeError();
            return false;
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint SendBytes(int socket, byte* data, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
