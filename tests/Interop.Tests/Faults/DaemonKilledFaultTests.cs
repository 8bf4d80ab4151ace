using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// libvirtd is SIGKILLed while our client has exactly 64 calls outstanding: every one fails with
/// <see cref="ConnectionLostException"/> promptly, and the connection stays failed.
/// </summary>
public sealed class DaemonKilledFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Calls = 64;
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task SixtyFourPendingCallsFailWhenTheDaemonIsKilled(string transport)
    {
        string uri = transport == "unix" ? $"test+unix:///default?socket={_daemon.SocketPath}" : $"test+tcp://127.0.0.1:{_daemon.TcpPort}/default";
        LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).Within();
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());

        // A stopped daemon reads nothing and answers nothing, so all 64 calls are certainly outstanding at the kill.
        PrivateLibvirtd.Signal(_daemon.Pid, "STOP");
        var clock = new FaultClock();
        Task[] calls = [.. Enumerable.Range(0, Calls).Select(_ => clock.Watch(connection.GetLibVersionAsync()))];
        await Task.Delay(100);
        Assert.All(calls, call => Assert.False(call.IsCompleted, "a call completed while the daemon was stopped"));

        // The read loop's end separates noticing the loss from delivering it to 64 callers.
        var readLoop = new FaultClock();
        _ = readLoop.Watch(connection.Rpc.Completion);
        readLoop.Start();
        clock.Start();
        Process.GetProcessById(_daemon.Pid).Kill();
        foreach (Task call in calls)
        {
            ConnectionLostException lost = await Assert.ThrowsAsync<ConnectionLostException>(() => call.Within());
            Assert.Contains("server", lost.Message, StringComparison.Ordinal);
        }

        await connection.Rpc.Completion.Within();
        output.WriteLine($"{transport}: SIGKILL to the last of {Calls} pending calls failing: {clock.Last.TotalMilliseconds:F1} ms (read loop ended after {readLoop.Last.TotalMilliseconds:F1} ms)");
        Assert.True(clock.Last < FaultBounds.Prompt, $"the last pending call failed {clock.Last.TotalMilliseconds:F0} ms after the kill");
        Assert.IsType<ConnectionLostException>(connection.Rpc.Failure);
        await Assert.ThrowsAsync<ConnectionLostException>(() => connection.GetLibVersionAsync().Within());
        await connection.DisposeAsync().AsTask().Within();
    }
}
