using System.Net;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sockets;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// Our codec and framing against a real libvirtd 9.0.0 with no client library in between: the calls a
/// minimal session makes, and the replies decoded field by field.
/// </summary>
public sealed class RawWireTests : IAsyncLifetime
{
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task MinimalSessionOverUnixSocket()
    {
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectUnixAsync(_daemon.SocketPath);
        await RunSessionAsync(new RawSession(pipe));
    }

    [Fact]
    public async Task MinimalSessionOverTcp()
    {
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectTcpAsync(new IPEndPoint(IPAddress.Loopback, _daemon.TcpPort));
        await RunSessionAsync(new RawSession(pipe));
    }

    [Fact]
    public async Task UnknownDomainGivesLibvirtsErrorReply()
    {
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectUnixAsync(_daemon.SocketPath);
        var session = new RawSession(pipe);
        await session.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        VirNetMessageError error = await session.CallFailingAsync(Procedure.DomainLookupByName, new DomainLookupByNameArgs { Name = "no-such-domain" });
        Assert.Equal(ErrorCode.NoDomain, (ErrorCode)error.Code);
        Assert.Equal(ErrorDomain.Test, (ErrorDomain)error.Domain);
        Assert.Equal("Domain not found", error.Message);
        Assert.Equal(2, error.Level); // VIR_ERR_ERROR
        await session.CallVoidAsync(Procedure.ConnectClose);
        await session.ExpectClosedAsync();
    }

    private static async Task RunSessionAsync(RawSession session)
    {
        AuthListRet auth = await session.CallAsync<AuthListRet>(Procedure.AuthList);
        Assert.Equal([AuthType.None], auth.Types);

        await session.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default", Flags = 0 });

        ConnectGetLibVersionRet version = await session.CallAsync<ConnectGetLibVersionRet>(Procedure.ConnectGetLibVersion);
        Assert.Equal(9_000_000UL, version.LibVer);

        ConnectListAllDomainsRet domains = await session.CallAsync<ConnectListAllDomainsArgs, ConnectListAllDomainsRet>(
            Procedure.ConnectListAllDomains,
            new ConnectListAllDomainsArgs { NeedResults = 1, Flags = 0 });
        NonnullDomain test = Assert.Single(domains.Domains);
        Assert.Equal("test", test.Name);
        Assert.Equal(1, test.Id);
        Assert.Equal(16, test.Uuid.Length);
        Assert.Equal(1u, domains.Ret);

        NodeGetInfoRet node = await session.CallAsync<NodeGetInfoRet>(Procedure.NodeGetInfo);
        Assert.Equal(32, node.Model.Length);
        Assert.Equal("i686", RawSession.CString(node.Model));
        Assert.Equal(3_145_728UL, node.Memory);
        Assert.Equal(16, node.Cpus);
        Assert.Equal(1400, node.Mhz);
        Assert.Equal(2, node.Nodes);
        Assert.Equal(2, node.Sockets);
        Assert.Equal(2, node.Cores);
        Assert.Equal(2, node.Threads);

        await session.CallVoidAsync(Procedure.ConnectClose);
        await session.ExpectClosedAsync();
    }
}
