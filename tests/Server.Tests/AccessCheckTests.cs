using LibvirtRemote.Client;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Tests.Support;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>The access hook sees the caller and the procedure and can refuse calls with libvirt's access-denied error.</summary>
public sealed class AccessCheckTests
{
    [Fact]
    public async Task RefusedCallsGetAccessDeniedAndOthersPass()
    {
        var seen = new List<string>();
        var handlers = new HostnameHandlers();
        var server = new LibvirtServer(new DelegateBackend(_ => handlers))
        {
            AccessCheck = (client, procedure) =>
            {
                lock (seen)
                {
                    seen.Add($"{client.Transport}:{procedure.PublicApi}");
                }

                return procedure.PublicApi != "virConnectGetHostname";
            },
        };
        await using var memory = new InMemoryServer(server);
        await using LibvirtConnection client = await memory.ConnectAsync();

        LibvirtException denied = await Assert.ThrowsAsync<LibvirtException>(() => client.Remote.ConnectGetHostnameAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(ErrorCode.AccessDenied, denied.Code);
        Assert.Equal(ErrorDomain.Access, denied.Domain);
        Assert.Equal("TEST", (await client.Remote.ConnectGetTypeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20))).Type);
        lock (seen)
        {
            Assert.Contains("Pipe:virConnectGetHostname", seen);
            Assert.Contains("Pipe:virConnectGetType", seen);
        }
    }

    private sealed class HostnameHandlers : OpenableHandlers
    {
        public override ValueTask<ConnectGetHostnameRet> ConnectGetHostnameAsync(ServerCall call) => new(new ConnectGetHostnameRet { Hostname = "h" });

        public override ValueTask<ConnectGetTypeRet> ConnectGetTypeAsync(ServerCall call) => new(new ConnectGetTypeRet { Type = "TEST" });
    }
}
