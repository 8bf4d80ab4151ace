using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// A byte transport that can also carry file descriptors (a Unix-domain socket). Descriptors travel the way
/// libvirt sends them: after a *_WITH_FDS message, one dummy byte per descriptor, each byte carrying one
/// descriptor in its own SCM_RIGHTS control message.
/// </summary>
public interface IFdTransport
{
    /// <summary>
    /// Takes the oldest received descriptor that nobody has claimed yet. Descriptors are queued before the
    /// bytes they came with are handed to the input, so once a frame's dummy bytes have been read its
    /// descriptors are here. The caller owns the handle.
    /// </summary>
    bool TryTakeReceivedFd([NotNullWhen(true)] out SafeFileHandle? fd);

    /// <summary>
    /// Appends one dummy byte per descriptor to the output, to be sent with that descriptor attached. Call it
    /// from the writer, right after writing the frame the descriptors belong to and before flushing, under the
    /// same lock that serialises writes. The handles are kept open until sent (or until the transport is
    /// disposed); the caller may dispose them at any time.
    /// </summary>
    void QueueFdsToSend(ReadOnlySpan<SafeHandle> fds);
}
