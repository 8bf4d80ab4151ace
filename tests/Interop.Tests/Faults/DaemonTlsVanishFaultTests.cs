using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// The TLS peer vanishes without close_notify while our client has 64 calls outstanding — reset by a proxy in the
/// middle of the session, or the TLS libvirtd SIGKILLed: the calls fail with <see cref="ConnectionLostException"/>,
/// not a protocol error and not a hang.
/// </summary>
public sealed class DaemonTlsVanishFaultTests(TestPki pki, ITestOutputHelper output) : IAsyncLifetime, IClassFixture<TestPki>
{
    private readonly TestPki _pki = pki;
    private PrivateLibvirtd _daemon = null!;
    private int _tlsPort;

    public async Task InitializeAsync()
    {
        _tlsPort = PrivateLibvirtd.FreeTcpPort();
        _daemon = await PrivateLibvirtd.StartAsync(
            $"""
            tls_port = "{_tlsPort}"
            key_file = "{_pki.ServerKeyFile}"
            cert_file = "{_pki.ServerCertFile}"
            ca_file = "{_pki.CaFile}"
            auth_tls = "none"
            """,
            listenTls: true);
        await _daemon.WaitForTcpPortAsync(_tlsPort);
    }

    public async Task DisposeAsync()
    {
        PrivateLibvirtd.Signal(_daemon.Pid, "CONT");
        await _daemon.DisposeAsync();
    }

    [Fact]
    public async Task ResetMidSessionFailsPendingCallsAsConnectionLost()
    {
        await using var proxy = new ResetProxy(_tlsPort);
        LibvirtConnection connection = await LibvirtConnection.OpenAsync($"test+tls://127.0.0.1:{proxy.Port}/default?pkipath={_pki.GoodDir}").Within();
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());

        PrivateLibvirtd.Signal(_daemon.Pid, "STOP");
        var clock = new FaultClock();
        Task[] calls = [.. Enumerable.Range(0, 64).Select(_ => clock.Watch(connection.GetLibVersionAsync()))];
        await Task.Delay(100);
        Assert.All(calls, call => Assert.False(call.IsCompleted));

        clock.Start();
        proxy.Reset();
        foreach (Task call in calls)
        {
            await Assert.ThrowsAsync<ConnectionLostException>(() => call.Within());
        }

        output.WriteLine($"TLS reset by the proxy to the last of 64 pending calls failing: {clock.Last.TotalMilliseconds:F1} ms ({connection.Rpc.Failure?.Message})");
        Assert.True(clock.Last < FaultBounds.Prompt, $"the last call failed {clock.Last.TotalMilliseconds:F0} ms after the reset");
        Assert.IsType<ConnectionLostException>(connection.Rpc.Failure);
        await connection.DisposeAsync().AsTask().Within();
    }

    [Fact]
    public async Task KilledTlsDaemonFailsPendingCallsAsConnectionLost()
    {
        LibvirtConnection connection = await LibvirtConnection.OpenAsync($"test+tls://127.0.0.1:{_tlsPort}/default?pkipath={_pki.GoodDir}").Within();
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());

        PrivateLibvirtd.Signal(_daemon.Pid, "STOP");
        var clock = new FaultClock();
        Task[] calls = [.. Enumerable.Range(0, 64).Select(_ => clock.Watch(connection.GetLibVersionAsync()))];
        await Task.Delay(100);
        Assert.All(calls, call => Assert.False(call.IsCompleted));

        clock.Start();
        Process.GetProcessById(_daemon.Pid).Kill();
        foreach (Task call in calls)
        {
            await Assert.ThrowsAsync<ConnectionLostException>(() => call.Within());
        }

        output.WriteLine($"TLS daemon SIGKILL to the last of 64 pending calls failing: {clock.Last.TotalMilliseconds:F1} ms ({connection.Rpc.Failure?.Message})");
        Assert.True(clock.Last < FaultBounds.Prompt, $"the last call failed {clock.Last.TotalMilliseconds:F0} ms after the kill");
        Assert.IsType<ConnectionLostException>(connection.Rpc.Failure);
        await connection.DisposeAsync().AsTask().Within();
    }
}
