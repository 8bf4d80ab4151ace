using LibvirtRemote.Client;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// A server that breaks the protocol: the connection ends with a clear protocol error, every pending call fails at
/// once, nothing hangs.
/// </summary>
public class BadServerInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Cases => ["unknown serial", "malformed body", "length over the limit", "length under the minimum", "call from the server"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ProtocolViolationFailsEveryPendingCall(string violation)
    {
        (FakeLibvirtd server, LibvirtConnection client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            // Hold every lib-version call so several are pending when the bad input arrives.
            var held = new List<ReceivedCall>();
            server.OnCall = call =>
            {
                if (call.Header.Proc != (int)Procedure.ConnectGetLibVersion)
                {
                    return Task.FromResult(false);
                }

                lock (held)
                {
                    held.Add(call);
                }

                return Task.FromResult(true);
            };
            Task<ulong>[] pending = Enumerable.Range(0, 4).Select(_ => client.GetLibVersionAsync()).ToArray();
            while (true)
            {
                lock (held)
                {
                    if (held.Count == 4)
                    {
                        break;
                    }
                }

                await Task.Delay(10);
            }

            VirNetMessageHeader first = held[0].Header;
            await server.SendBytesAsync(violation switch
            {
                "unknown serial" => Frame(first with { Type = VirNetMessageType.Reply, Serial = 9999 }, new ConnectGetLibVersionRet { LibVer = 1 }),
                "malformed body" => Frame(first with { Type = VirNetMessageType.Reply }, new XdrVoid()),
                "length over the limit" => [0x02, 0x00, 0x00, 0x05, 0, 0, 0, 0],
                "length under the minimum" => [0x00, 0x00, 0x00, 0x10, 0, 0, 0, 0],
                _ => Frame(first with { Type = VirNetMessageType.Call, Serial = 5 }, new XdrVoid()),
            });

            foreach (Task<ulong> call in pending)
            {
                await Assert.ThrowsAsync<LibvirtProtocolException>(() => call.WaitAsync(Timeout));
            }

            Assert.IsType<LibvirtProtocolException>(client.Rpc.Failure);
            await Assert.ThrowsAsync<LibvirtProtocolException>(() => client.GetLibVersionAsync().WaitAsync(Timeout));
            Assert.Equal(CloseReason.Error, await client.Closed.WaitAsync(Timeout));
        }
    }

    private static byte[] Frame<T>(VirNetMessageHeader header, T body)
        where T : IXdrType<T>
    {
        using var output = new PooledBufferWriter();
        FrameWriter.Write(output, header, body);
        return output.ToArray();
    }
}
