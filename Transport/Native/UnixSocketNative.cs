using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LibvirtRemote.Transport.Native;

/// <summary>
/// sendmsg/recvmsg with SCM_RIGHTS, which <see cref="System.Net.Sockets.Socket"/> cannot do. Layouts follow
/// Linux's &lt;sys/socket.h&gt;: pointer-sized fields as <see cref="nint"/>/<see cref="nuint"/> so the same
/// declarations hold on 32- and 64-bit Linux. Other systems lay msghdr and cmsghdr out differently.
/// </summary>
internal static unsafe partial class UnixSocketNative
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EPIPE = 32;
    public const int ECONNRESET = 104;

    private const short PollIn = 0x1;
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgCtrunc = 0x8;
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int MsgCmsgCloexec = 0x40000000;

    /// <summary>Whether this process can use these declarations.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    private static int CmsgAlign(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    private static int CmsgHeaderSize => CmsgAlign(sizeof(CmsgHdr));

    /// <summary>
    /// Sends one byte with <paramref name="fd"/> attached, without blocking. Returns 1 when sent, 0 when the
    /// socket buffer is full (EAGAIN), or -1 with <paramref name="errno"/> set.
    /// </summary>
    public static int SendByteWithFd(SafeHandle socket, byte value, int fd, out int errno)
    {
        // One cmsghdr plus one int, padded: CMSG_SPACE(sizeof(int)).
        ulong* control = stackalloc ulong[4];
        new Span<byte>(control, 4 * sizeof(ulong)).Clear();
        var header = (CmsgHdr*)control;
        header->Length = (nuint)(CmsgHeaderSize + sizeof(int));
        header->Level = SolSocket;
        header->Type = ScmRights;
        *(int*)((byte*)control + CmsgHeaderSize) = fd;

        var iov = new IoVec { Base = &value, Length = 1 };
        var message = new MsgHdr
        {
            Iov = &iov,
            IovLength = 1,
            Control = control,
            ControlLength = (nuint)CmsgAlign(CmsgHeaderSize + sizeof(int)),
        };

        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            while (true)
            {
                nint sent = SendMsg((int)socket.DangerousGetHandle(), &message, MsgDontWait | MsgNoSignal);
                if (sent >= 0)
                {
                    errno = 0;
                    return sent == 1 ? 1 : 0;
                }

                errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }

                return errno == EAGAIN ? 0 : -1;
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

    /// <summary>
    /// Receives into <paramref name="buffer"/> without blocking, passing every descriptor that came with the bytes
    /// to <paramref name="fds"/> in arrival order (as owned, close-on-exec handles). Returns the byte count
    /// (0 at end of stream), or -1 with <paramref name="errno"/> set (EAGAIN: nothing to read yet).
    /// <paramref name="truncated"/> tells that the kernel dropped descriptors for lack of control space.
    /// </summary>
    public static int Receive(SafeHandle socket, Span<byte> buffer, ConcurrentQueue<SafeFileHandle> fds, out int errno, out bool truncated)
    {
        const int ControlWords = 32;
        ulong* control = stackalloc ulong[ControlWords];
        truncated = false;
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            fixed (byte* data = buffer)
            {
                var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
                var message = new MsgHdr
                {
                    Iov = &iov,
                    IovLength = 1,
                    Control = control,
                    ControlLength = ControlWords * sizeof(ulong),
                };

                nint received;
                do
                {
                    received = RecvMsg((int)socket.DangerousGetHandle(), &message, MsgDontWait | MsgCmsgCloexec);
                    errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                while (received < 0 && errno == EINTR);

                if (received < 0)
                {
                    return -1;
                }

                CollectFds(&message, fds);
                truncated = (message.Flags & MsgCtrunc) != 0;
                return (int)received;
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

    private static void CollectFds(MsgHdr* message, ConcurrentQueue<SafeFileHandle> fds)
    {
        var start = (byte*)message->Control;
        nuint total = message->ControlLength;
        nuint offset = 0;
        while (offset + (nuint)sizeof(CmsgHdr) <= total)
        {
            var header = (CmsgHdr*)(start + offset);
            nuint length = header->Length;
            if (length < (nuint)sizeof(CmsgHdr) || offset + length > total)
            {
                break;
            }

            if (header->Level == SolSocket && header->Type == ScmRights)
            {
                int count = (int)((length - (nuint)CmsgHeaderSize) / sizeof(int));
                var data = (int*)(start + offset + (nuint)CmsgHeaderSize);
                for (int i = 0; i < count; i++)
                {
                    fds.Enqueue(new SafeFileHandle(data[i], ownsHandle: true));
                }
            }

            offset += (nuint)CmsgAlign((int)length);
        }
    }

    /// <summary>
    /// Sends what of <paramref name="buffer"/> fits in the socket buffer now, without blocking. Returns the byte count
    /// (0 when the buffer is full: EAGAIN), or -1 with <paramref name="errno"/> set.
    /// </summary>
    public static int SendNonBlocking(SafeHandle socket, ReadOnlySpan<byte> buffer, out int errno)
    {
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            int fd = (int)socket.DangerousGetHandle();
            fixed (byte* data = buffer)
            {
                nint sent;
                do
                {
                    sent = Send(fd, data, (nuint)buffer.Length, MsgDontWait | MsgNoSignal);
                    errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                while (sent < 0 && errno == EINTR);

                return sent >= 0 ? (int)sent : errno == EAGAIN ? 0 : -1;
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

    /// <summary>
    /// Blocks until <paramref name="socket"/> is readable, hung up or in error. Returns false with
    /// <paramref name="errno"/> set when poll itself fails.
    /// </summary>
    public static bool WaitReadable(SafeHandle socket, out int errno)
    {
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var entry = new PollFd { Fd = (int)socket.DangerousGetHandle(), Events = PollIn };
            int ready;
            do
            {
                ready = Poll(&entry, 1, -1);
                errno = ready < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            while (ready < 0 && errno == EINTR);

            return ready >= 0;
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(int socket, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint RecvMsg(int socket, MsgHdr* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }
}
