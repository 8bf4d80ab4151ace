using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server;
using LibvirtRemote.Server.TestHypervisor;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// A client that asked for keepalive stops answering — virsh SIGSTOPped, or a raw client that never reads again —
/// and our server drops it after keepalive_interval × keepalive_count, its client count falls back, and it goes on
/// serving.
/// </summary>
public sealed class ServerClientStalledFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private const int Count = 2;
    private FaultServer _server = null!;

    public Task InitializeAsync()
    {
        _server = FaultServer.Start(new TestBackend(), new ServerOptions { KeepaliveInterval = Interval, KeepaliveCount = Count });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StoppedVirshIsDroppedByKeepalive()
    {
        await using (FaultProcess virsh = FaultProcess.Start("virsh", ["-c", _server.TcpUri]))
        {
            // An interactive virsh: one command proves it is connected (it asks for keepalive while opening).
            await virsh.WriteLineAsync("hostname").Within();
            await virsh.WaitForLineAsync(Environment.MachineName).Within();
            Assert.Equal(1, _server.Server.ClientCount);

            virsh.Signal("STOP");
            TimeSpan gone = await _server.WaitForClientsAsync(0, TimeSpan.FromSeconds(15)).Within();
            output.WriteLine($"virsh SIGSTOP to the server dropping it (keepalive {Interval.TotalMilliseconds} ms × {Count}): {gone.TotalMilliseconds:F0} ms");
            Assert.True(gone >= Interval * Count, $"dropped after {gone.TotalMilliseconds:F0} ms, before keepalive could have decided; log:\n{string.Join('\n', _server.Log)}");
            Assert.Contains(_server.Log, line => line.Contains("keepalive", StringComparison.Ordinal));
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task RawClientThatStopsReadingIsDroppedByKeepalive()
    {
        await using (RawWire raw = await RawWire.ConnectUnixAsync(_server.Socket))
        {
            ConnectSupportsFeatureRet keepalive = await raw.CallAsync<ConnectSupportsFeatureArgs, ConnectSupportsFeatureRet>(
                Procedure.ConnectSupportsFeature, new ConnectSupportsFeatureArgs { Feature = 10 }).Within();
            Assert.Equal(1, keepalive.Supported);
            await raw.CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).Within();

            // From here on the client reads nothing and answers no ping, like a frozen process.
            TimeSpan gone = await _server.WaitForClientsAsync(0, TimeSpan.FromSeconds(15)).Within();
            output.WriteLine($"silent raw client dropped by keepalive ({Interval.TotalMilliseconds} ms × {Count}) after {gone.TotalMilliseconds:F0} ms");
            Assert.True(gone >= Interval * Count, $"dropped after {gone.TotalMilliseconds:F0} ms, before keepalive could have decided; log:\n{string.Join('\n', _server.Log)}");
            Assert.Contains(_server.Log, line => line.Contains("keepalive", StringComparison.Ordinal));
        }

        await AssertStillServesAsync();
    }

    private async Task AssertStillServesAsync()
    {
        ExternalProcess.Result virsh = (await ExternalProcess.VirshAsync(_server.TcpUri, "hostname").Within()).EnsureSuccess("virsh after the fault");
        Assert.Equal(Environment.MachineName, virsh.Stdout.Trim());

        // A client that answers pings stays well past the drop time of one that does not.
        await using (LibvirtConnection ours = await LibvirtConnection.OpenAsync(_server.UnixUri).Within())
        {
            await Task.Delay(Interval * (Count + 3));
            Assert.Equal(Environment.MachineName, await ours.GetHostnameAsync().Within());
        }

        await _server.WaitForClientsAsync(0).Within();
        _server.AssertNoHandlerFailures();
    }
}
