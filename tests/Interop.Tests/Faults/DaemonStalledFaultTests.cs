using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// libvirtd is SIGSTOPped while our client has 64 calls outstanding: the client's keepalive declares the peer dead
/// after interval × (count + 1), every pending call fails with <see cref="ConnectionLostException"/>, and the
/// connection's failure says it was keepalive.
/// </summary>
public sealed class DaemonStalledFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync();

    public async Task DisposeAsync()
    {
        PrivateLibvirtd.Signal(_daemon.Pid, "CONT");
        await _daemon.DisposeAsync();
    }

    [Fact]
    public async Task KeepaliveFailsSixtyFourCallsPendingOnAStoppedDaemon()
    {
        var options = new LibvirtConnectionOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(500), KeepaliveCount = 2 };
        LibvirtConnection connection = await LibvirtConnection.OpenAsync($"test+unix:///default?socket={_daemon.SocketPath}", options).Within();
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());

        var clock = new FaultClock();
        clock.Start();
        PrivateLibvirtd.Signal(_daemon.Pid, "STOP");
        Task[] calls = [.. Enumerable.Range(0, 64).Select(_ => clock.Watch(connection.GetLibVersionAsync()))];
        foreach (Task call in calls)
        {
            ConnectionLostException lost = await Assert.ThrowsAsync<ConnectionLostException>(() => call.Within());
            Assert.Contains("keepalive", lost.Message, StringComparison.Ordinal);
        }

        output.WriteLine($"SIGSTOP to the last of 64 pending calls failing (keepalive 0.5 s × 2): {clock.Last.TotalMilliseconds:F0} ms");

        // Dead after two unanswered pings half a second apart: not before 1 s, and well before the 30 s call limit.
        Assert.InRange(clock.Last, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Exception? failure = connection.Rpc.Failure;
        Assert.IsType<ConnectionLostException>(failure);
        Assert.Contains("keepalive", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ConnectionLostException>(() => connection.GetLibVersionAsync().Within());

        // Disposing must not wait for the frozen peer.
        await connection.DisposeAsync().AsTask().Within();
    }
}
