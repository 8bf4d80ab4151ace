using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.Tests.Support;
using LibvirtRemote.Transport.Sockets;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>
/// max_clients and max_anonymous_clients on a real Unix listener: over a limit the server stops accepting, so new
/// peers wait in the listen backlog (connected, unanswered) until a slot frees, as with libvirtd.
/// </summary>
public sealed class ListenerLimitsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lr-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task OverMaxClientsNewPeersWaitUntilOneLeaves()
    {
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions { MaxClients = 2 });
        string path = Path.Combine(_dir, "sock");
        server.ListenUnix(path, new ListenerOptions());
        WireClient first = await ConnectAsync(path);
        await using WireClient second = await ConnectAsync(path);
        await first.OpenAsync();
        await second.OpenAsync();

        await using WireClient third = await ConnectAsync(path);
        third.Send(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        await third.FlushAsync();
        Assert.True(await third.StaysQuietAsync(TimeSpan.FromMilliseconds(700)), "the third client was served over max_clients");
        Assert.Equal(2, server.ClientCount);

        await first.DisposeAsync();
        ReceivedFrame? reply = await third.ReadAsync();
        Assert.NotNull(reply);
        Assert.Equal(VirNetMessageStatus.Ok, reply.Header.Status);
        Assert.Equal(2, server.ClientCount);
    }

    [Fact]
    public async Task OverMaxAnonymousClientsNewPeersWaitUntilOneAuthenticates()
    {
        // As root, AUTH_LIST on a polkit listener authenticates at once (libvirtd lets uid 0 through), which frees
        // the anonymous slot without leaving.
        Assert.True(PeerIsRoot(), "these tests run as root, as the rest of the suite");
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions { MaxAnonymousClients = 1 });
        string path = Path.Combine(_dir, "sock");
        server.ListenUnix(path, new ListenerOptions { Auth = ServerAuth.Polkit });
        await using WireClient first = await ConnectAsync(path);
        await first.FlushAsync();
        await Task.Delay(100);
        await using WireClient second = await ConnectAsync(path);
        second.Send(Procedure.AuthList);
        await second.FlushAsync();
        Assert.True(await second.StaysQuietAsync(TimeSpan.FromMilliseconds(700)), "a second anonymous client was served");

        AuthListRet auth = (await first.CallAsync(Procedure.AuthList)).Decode<AuthListRet>();
        Assert.Equal([AuthType.None], auth.Types);
        ReceivedFrame? reply = await second.ReadAsync();
        Assert.NotNull(reply);
        Assert.Equal([AuthType.None], reply.Decode<AuthListRet>().Types);
        await first.OpenAsync();
        await second.OpenAsync();
    }

    [Fact]
    public async Task PolkitListenerTellsRootNoAuthenticationIsNeededAndPeerCredentialsAreKnown()
    {
        Assert.True(PeerIsRoot(), "these tests run as root, as the rest of the suite");
        var seen = new TaskCompletionSource<ClientContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions())
        {
            PolkitRule = c =>
            {
                seen.TrySetResult(c);
                return false;
            },
        };
        string path = Path.Combine(_dir, "sock");
        server.ListenUnix(path, new ListenerOptions { Auth = ServerAuth.Polkit });
        await using WireClient client = await ConnectAsync(path);
        AuthListRet auth = (await client.CallAsync(Procedure.AuthList)).Decode<AuthListRet>();

        // uid 0 bypasses the rule entirely, like libvirtd's polkit check for root.
        Assert.Equal([AuthType.None], auth.Types);
        Assert.False(seen.Task.IsCompleted);
        await client.OpenAsync();
    }

    private static bool PeerIsRoot() => string.Equals(File.ReadAllText("/proc/self/status").Split('\n').First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], "0", StringComparison.Ordinal);

    [Fact]
    public async Task ClientLimitsSetThroughTheAdminSocketHoldBackNewClientsAndAdminClientsCountApart()
    {
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions());
        string path = Path.Combine(_dir, "sock");
        string admin = Path.Combine(_dir, "admin-sock");
        server.ListenUnix(path, new ListenerOptions());
        server.ListenUnix(admin, new ListenerOptions { Admin = true });
        string uri = $"libvirtd:///system?socket={admin}";
        Assert.Equal(0, await VirtAdminAsync(uri, "srv-clients-set", "libvirtd", "--max-clients", "1", "--max-unauth-clients", "1"));

        // virt-admin has gone; the admin server's clients never counted against the hypervisor server's limit.
        await using WireClient first = await ConnectAsync(path);
        await first.OpenAsync();
        await using WireClient second = await ConnectAsync(path);
        second.Send(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        await second.FlushAsync();
        Assert.True(await second.StaysQuietAsync(TimeSpan.FromMilliseconds(700)), "a second client was served over the limit set by virt-admin");

        Assert.Equal(0, await VirtAdminAsync(uri, "srv-clients-set", "libvirtd", "--max-clients", "2"));
        ReceivedFrame? reply = await second.ReadAsync();
        Assert.NotNull(reply);
        Assert.Equal(VirNetMessageStatus.Ok, reply.Header.Status);
    }

    private static async Task<int> VirtAdminAsync(string uri, params string[] arguments)
    {
        (int code, string output) = await VirtAdmin.RunAsync(uri, arguments);
        Assert.True(code == 0, output);
        return code;
    }

    private static async Task<WireClient> ConnectAsync(string path)
        => new(await StreamDuplexPipe.ConnectUnixAsync(path).WaitAsync(WireClient.Timeout));
}
