using LibvirtRemote.Client;
using LibvirtRemote.Client.Tests.Support;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// Callers' continuations run off the read loop; a caller that blocks on another call from inside a continuation
/// (sync-over-async) must still get that call's reply.
/// </summary>
public class ReplyDeliveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ContinuationThatBlocksOnAnotherCallIsNotDeadlocked()
    {
        await using var server = new FakeLibvirtd();
        LibvirtConnection client = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default")).WaitAsync(Timeout);
        await using (client)
        {
            Task<int> blocking = Task.Run(async () =>
            {
                int onReplyThread = 0;
                // Other tests running alongside may hold the reply thread for a while: go on until it served this one.
                for (int i = 0; i < 50 || (onReplyThread == 0 && i < 2000); i++)
                {
                    await client.GetLibVersionAsync().ConfigureAwait(false);
                    if (Thread.CurrentThread.Name == "libvirt replies")
                    {
                        onReplyThread++;
                    }

                    // Blocks whichever thread delivered the reply above until the next reply arrives.
                    Assert.Equal(9_000_000UL, client.GetLibVersionAsync().GetAwaiter().GetResult());
                }

                return onReplyThread;
            });

            int delivered = await blocking.WaitAsync(Timeout);

            // The scenario is only meaningful if the reply thread itself was blocked at least once.
            Assert.True(delivered > 0, "no continuation ran on the reply thread");
            Assert.Null(client.Rpc.Failure);
        }
    }

    [Fact]
    public async Task ConcurrentCallersAllGetTheirReplies()
    {
        await using var server = new FakeLibvirtd();
        LibvirtConnection client = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default")).WaitAsync(Timeout);
        await using (client)
        {
            Task<ulong>[] calls = Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await client.GetLibVersionAsync().ConfigureAwait(false))).ToArray();
            ulong[] versions = await Task.WhenAll(calls).WaitAsync(Timeout);
            Assert.All(versions, v => Assert.Equal(9_000_000UL, v));
        }
    }
}
