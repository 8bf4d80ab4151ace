using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// Clients with many calls in flight vanish — python3-libvirt SIGKILLed, a raw client resetting its TCP socket or
/// closing its Unix socket — and our server lets them go, and goes on serving virsh and our client.
/// </summary>
public sealed class ServerClientKilledFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Sixteen threads share one libvirt connection, so many calls are in flight when the process dies.
    private const string BusyClient = """
        import libvirt, sys, threading
        libvirt.registerErrorHandler(lambda *_: None, None)
        c = libvirt.open(sys.argv[1])
        lock = threading.Lock()
        done = [0]
        def work():
            while True:
                c.getHostname()
                with lock:
                    done[0] += 1
                    if done[0] == 500:
                        print('RUNNING', flush=True)
        for _ in range(16):
            threading.Thread(target=work, daemon=True).start()
        threading.Event().wait()
        """;

    private FaultServer _server = null!;

    public Task InitializeAsync()
    {
        _server = FaultServer.Start(new TestBackend());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task KilledPythonClientWithCallsInFlightIsDropped(string transport)
    {
        string uri = transport == "unix" ? _server.UnixUri : _server.TcpUri;
        await using (FaultProcess python = FaultProcess.Python(BusyClient, uri))
        {
            await python.WaitForLineAsync("RUNNING").Within();
            Assert.Equal(1, _server.Server.ClientCount);
            await python.KillAsync().Within();
            TimeSpan gone = await _server.WaitForClientsAsync(0).Within();
            output.WriteLine($"{transport}: python SIGKILL (16 threads calling) to the server dropping it: {gone.TotalMilliseconds:F1} ms");
            Assert.True(gone < FaultBounds.Prompt, $"the server kept the dead client for {gone.TotalMilliseconds:F0} ms");
        }

        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task ClientVanishingWithSixtyFourCallsQueuedIsDropped(string transport)
    {
        await using (RawWire raw = transport == "unix" ? await RawWire.ConnectUnixAsync(_server.Socket) : await RawWire.ConnectTcpAsync(_server.TcpPort))
        {
            await raw.CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).Within();

            // More than max_client_requests: the server has five in progress and the rest unread when the client goes.
            await raw.SendManyAsync(Procedure.ConnectGetHostname, 64).Within();
            Assert.NotNull(await raw.ReadAsync().Within());
            raw.Reset();
            TimeSpan gone = await _server.WaitForClientsAsync(0).Within();
            output.WriteLine($"{transport}: reset with 64 calls queued to the server dropping the client: {gone.TotalMilliseconds:F1} ms");
            Assert.True(gone < FaultBounds.Prompt, $"the server kept the dead client for {gone.TotalMilliseconds:F0} ms");
        }

        Assert.Equal(1, _server.Backend.Closed);
        await AssertStillServesAsync();
    }

    private async Task AssertStillServesAsync()
    {
        ExternalProcess.Result virsh = (await ExternalProcess.VirshAsync(_server.TcpUri, "hostname").Within()).EnsureSuccess("virsh after the fault");
        Assert.Equal(Environment.MachineName, virsh.Stdout.Trim());
        await using (LibvirtConnection ours = await LibvirtConnection.OpenAsync(_server.UnixUri).Within())
        {
            Assert.Equal(Environment.MachineName, await ours.GetHostnameAsync().Within());
        }

        await _server.WaitForClientsAsync(0).Within();
        Assert.Empty(_server.Backend.Open);
        _server.AssertNoHandlerFailures();
    }
}
