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

/// <summary>A daemon that stops answering (SIGSTOP) is detected by the client's own keepalive pings.</summary>
public sealed class StalledDaemonTests : IAsyncLifetime
{
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync();

    public async Task DisposeAsync()
    {
        PrivateLibvirtd.Signal(_daemon.Pid, "CONT");
        await _daemon.DisposeAsync();
    }

    [Fact]
    public async Task StoppedDaemonIsDeclaredDeadAndPendingCallsFail()
    {
        var options = new LibvirtConnectionOptions { KeepaliveInterval = TimeSpan.FromSeconds(1), KeepaliveCount = 2 };
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync($"test+unix:///default?socket={_daemon.SocketPath}", options);
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        PrivateLibvirtd.Signal(_daemon.Pid, "STOP");
        Task<ulong> pending = connection.GetLibVersionAsync();
        ConnectionLostException lost = await Assert.ThrowsAsync<ConnectionLostException>(() => pending.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("keepalive", lost.Message, StringComparison.Ordinal);
        Assert.NotNull(connection.Rpc.Failure);
    }
}
