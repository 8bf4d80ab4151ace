using LibvirtRemote.Client;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>The close notice is requested like libvirt does it: only when someone wants it, never at open or close.</summary>
public class CloseCallbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task OpenAndCloseSendWhatLibvirtSends()
    {
        var server = new FakeLibvirtd();
        await using (server)
        {
            LibvirtConnection client = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default")).WaitAsync(Timeout);
            await client.DisposeAsync();
            var sent = new List<Procedure>();
            using var deadline = new CancellationTokenSource(Timeout);
            while (sent.LastOrDefault() != Procedure.ConnectClose)
            {
                sent.Add((Procedure)server.Calls.Take(deadline.Token).Header.Proc);
            }

            Assert.Equal([Procedure.AuthList, Procedure.ConnectSupportsFeature, Procedure.ConnectOpen, Procedure.ConnectSupportsFeature, Procedure.ConnectClose], sent);
            Assert.DoesNotContain(Procedure.ConnectRegisterCloseCallback, sent);
            Assert.DoesNotContain(Procedure.ConnectUnregisterCloseCallback, sent);
        }
    }

    [Fact]
    public async Task ReadingClosedRegistersForTheServersNoticeOnce()
    {
        var server = new FakeLibvirtd();
        await using (server)
        {
            LibvirtConnection client = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default")).WaitAsync(Timeout);
            await using (client)
            {
                Assert.False(client.Closed.IsCompleted);
                _ = client.Closed;
                server.WaitForCall(Procedure.ConnectRegisterCloseCallback, Timeout);
                Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(Timeout));
                var after = new List<Procedure>();
                using var deadline = new CancellationTokenSource(Timeout);
                while (after.LastOrDefault() != Procedure.ConnectGetLibVersion)
                {
                    after.Add((Procedure)server.Calls.Take(deadline.Token).Header.Proc);
                }

                Assert.DoesNotContain(Procedure.ConnectRegisterCloseCallback, after);
            }
        }
    }
}
