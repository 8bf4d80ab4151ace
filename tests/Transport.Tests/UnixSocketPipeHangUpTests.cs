using System.Net.Sockets;
using System.Runtime.InteropServices;
using LibvirtRemote.Transport.Sockets;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>
/// When a <see cref="UnixSocketPipe"/>'s output ends, the peer's poll reports a hang-up together with the end of
/// data, as when libvirt closes its socket: libvirt's client says "end of file" only with the hang-up, and
/// "I/O error" for a bare end of data.
/// </summary>
public sealed partial class UnixSocketPipeHangUpTests : IDisposable
{
    private const short PollIn = 0x1;
    private const short PollHangUp = 0x10;
    private readonly string _directory = Directory.CreateTempSubdirectory("lvr-hup-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task EndingTheOutputHangsUpOnThePeer()
    {
        string path = Path.Combine(_directory, "sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        Task<UnixSocketPipe> connecting = UnixSocketPipe.ConnectAsync(path);
        using Socket peer = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await using UnixSocketPipe pipe = await connecting.WaitAsync(TimeSpan.FromSeconds(10));

        await pipe.Output.CompleteAsync();
        PollFd[] entry = [new PollFd { Fd = (int)peer.Handle, Events = PollIn }];
        Assert.Equal(1, Poll(entry, 1, 10_000));
        Assert.True((entry[0].Revents & PollHangUp) != 0, $"poll reported 0x{entry[0].Revents:x} without POLLHUP");
    }

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int Poll([In, Out] PollFd[] fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
