using LibvirtRemote.Client;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Client.Tests;

public class EncodingFailureTests
{
    [Fact]
    public async Task ArgumentOverItsLimitFailsThatCallAndWritesNothing()
    {
        (FakeLibvirtd server, LibvirtConnection client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int before = server.Calls.Count;
            string huge = new('x', RemoteProtocol.RemoteStringMax + 1);
            ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
                () => client.CallAsync<DomainLookupByNameArgs, DomainLookupByNameRet>(Procedure.DomainLookupByName, new() { Name = huge }).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.IsType<XdrException>(error.InnerException);

            // The connection is still in step: the next call is answered normally and the bad one never arrived.
            Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Null(client.Rpc.Failure);
            Assert.DoesNotContain(server.Calls, c => c.Header.Proc == (int)Procedure.DomainLookupByName);
        }
    }
}
