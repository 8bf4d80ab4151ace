using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>The server's keepalive PINGs are answered, so an idle connection survives libvirtd's dead-peer check.</summary>
public sealed class KeepaliveTests : IAsyncLifetime
{
    private PrivateLibvirtd _daemon = null!;

    // Ping after 1 s idle, drop the client after 2 unanswered pings: a client that ignored PINGs would be
    // gone within about 3 s.
    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync("keepalive_interval = 1\nkeepalive_count = 2");

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task IdleConnectionOutlivesTheServersDeadPeerTimeout()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync($"test+unix:///default?socket={_daemon.SocketPath}");
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Null(connection.Rpc.Failure);
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
