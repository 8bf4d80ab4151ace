using LibvirtRemote.Client;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

public class CallTimeoutTests
{
    [Fact]
    public async Task TimedOutCallFailsAloneAndItsLateReplyIsDropped()
    {
        var server = new FakeLibvirtd();
        await using (server)
        {
            LibvirtConnection client = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default"), new LibvirtConnectionOptions { CallTimeout = TimeSpan.FromMilliseconds(300) }).WaitAsync(TimeSpan.FromSeconds(10));
            await using (client)
            {
                ReceivedCall? held = null;
                server.OnCall = call =>
                {
                    if (call.Header.Proc == (int)Procedure.ConnectGetHostname && held is null)
                    {
                        held = call;
                        return Task.FromResult(true);
                    }

                    return Task.FromResult(false);
                };

                await Assert.ThrowsAsync<TimeoutException>(() => client.GetHostnameAsync().WaitAsync(TimeSpan.FromSeconds(10)));
                await server.ReplyAsync(held!.Header, new ConnectGetHostnameRet { Hostname = "late" });
                Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(TimeSpan.FromSeconds(10)));
                Assert.Null(client.Rpc.Failure);
            }
        }
    }
}
