using System.Net.Sockets;
using LibvirtRemote.Transport.Sockets;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>
/// A <see cref="UnixSocketPipe"/> whose peer stops reading: its sends find the socket full and must wait for room
/// without holding up the thread that wrote, or receiving, in either receive mode. The peer is a plain socket the test
/// controls, so the socket really fills.
/// </summary>
[Collection(ReceiveThreadCollection.Name)]
public sealed class UnixSocketPipeFullSocketTests
{
    private const int Burst = 4 * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASendFacingAFullSocketWaitsWhileReceivingGoesOnAndEveryByteArrives(bool receiveThread)
    {
        string directory = Directory.CreateTempSubdirectory("lvr-full-").FullName;
        try
        {
            (UnixSocketPipe pipe, Socket peer) = await ConnectAsync(Path.Combine(directory, "sock"), receiveThread);
            using (peer)
            {
                await using (pipe)
                {
                    // The write returns (pending) while the send waits for room: a thread blocked in send could be the
                    // very receive thread the peer is waiting on.
                    byte[] burst = Pattern(Burst, seed: 7);
                    Task flushing = await Task.Run(() => Task.FromResult<Task>(pipe.Output.WriteAsync(burst).AsTask())).WaitAsync(TimeSpan.FromSeconds(5));

                    // The peer has read nothing, so most of the burst is still waiting for room.
                    await Task.Delay(200);
                    Assert.False(flushing.IsCompleted, "a 4 MiB burst cannot have fit into an unread socket");

                    // Receiving is not held up by the waiting send.
                    await peer.SendAsync(new byte[] { 1, 2, 3 }).WaitAsync(Timeout);
                    Assert.Equal(new byte[] { 1, 2, 3 }, await PipeReads.ReadExactlyAsync(pipe.Input, 3).WaitAsync(Timeout));

                    byte[] arrived = await ReceiveExactlyAsync(peer, Burst).WaitAsync(Timeout);
                    Assert.True(burst.AsSpan().SequenceEqual(arrived), "the burst arrived changed");
                    await flushing.WaitAsync(Timeout);

                    // After the socket was full once, both directions still work.
                    byte[] small = Pattern(1000, seed: 3);
                    await pipe.Output.WriteAsync(small).AsTask().WaitAsync(Timeout);
                    Assert.Equal(small, await ReceiveExactlyAsync(peer, small.Length).WaitAsync(Timeout));
                    await peer.SendAsync(new byte[] { 9, 8 }).WaitAsync(Timeout);
                    Assert.Equal(new byte[] { 9, 8 }, await PipeReads.ReadExactlyAsync(pipe.Input, 2).WaitAsync(Timeout));
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // The pipe is the connecting end, as for our client.
    private static async Task<(UnixSocketPipe Pipe, Socket Peer)> ConnectAsync(string path, bool receiveThread)
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        Task<UnixSocketPipe> connecting = UnixSocketPipe.ConnectAsync(path, receiveThread);
        Socket peer = await listener.AcceptAsync().WaitAsync(Timeout);
        return (await connecting.WaitAsync(Timeout), peer);
    }

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        int got = 0;
        while (got < length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(got));
            Assert.NotEqual(0, n);
            got += n;
        }

        return buffer;
    }
}
