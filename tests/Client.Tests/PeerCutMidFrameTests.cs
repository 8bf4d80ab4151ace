using LibvirtRemote.Client.Events;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// A server that dies part-way through sending a frame (killed in the middle of stream data, say) has not broken the
/// protocol: the connection is lost, and pending calls say so with <see cref="ConnectionLostException"/>.
/// </summary>
public class PeerCutMidFrameTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(3)] // inside the length word
    [InlineData(10)] // inside the header
    [InlineData(30)] // inside the body
    public async Task HangUpInsideAFrameIsALostConnection(int bytesSent)
    {
        (FakeLibvirtd server, LibvirtConnection client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            server.OnCall = call => Task.FromResult(call.Header.Proc == (int)Procedure.ConnectGetLibVersion);
            Task<ulong>[] pending = [.. Enumerable.Range(0, 4).Select(_ => client.GetLibVersionAsync())];
            ReceivedCall first = server.WaitForCall(Procedure.ConnectGetLibVersion, Timeout);

            using var frame = new PooledBufferWriter();
            FrameWriter.Write(frame, first.Header with { Type = VirNetMessageType.Reply }, new ConnectGetLibVersionRet { LibVer = 9_000_000 });
            await server.SendBytesAsync(frame.ToArray()[..bytesSent]);
            await server.HangUpAsync();

            foreach (Task<ulong> call in pending)
            {
                await Assert.ThrowsAsync<ConnectionLostException>(() => call.WaitAsync(Timeout));
            }

            ConnectionLostException lost = Assert.IsType<ConnectionLostException>(client.Rpc.Failure);
            Assert.Contains("middle of a message", lost.Message, StringComparison.Ordinal);

            // libvirt reports a hang-up in the middle of a message as end of file, not as an error.
            Assert.Equal(CloseReason.Eof, await client.Closed.WaitAsync(Timeout));
        }
    }
}
