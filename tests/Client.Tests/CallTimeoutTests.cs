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
            LibvirtConnection client = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default"), new LibvirtConnectionOptions { CallTimeout = TimeSpan.FromSeconds(2) }).WaitAsync(TimeSpan.FromSeconds(10));
            await using (client)
            {
                // The server sits on the hostname call; the call must time out on its own.
                server.OnCall = call => Task.FromResult(call.Header.Proc == (int)Procedure.ConnectGetHostname);

                await Assert.ThrowsAsync<TimeoutException>(() => client.GetHostnameAsync().WaitAsync(TimeSpan.FromSeconds(10)));
                ReceivedCall held = server.WaitForCall(Procedure.ConnectGetHostname, TimeSpan.FromSeconds(10));
                await server.ReplyAsync(held.Header, new ConnectGetHostnameRet { Hostname = "late" });
                Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(TimeSpan.FromSeconds(10)));
                Assert.Null(client.Rpc.Failure);
            }
        }
    }
}
