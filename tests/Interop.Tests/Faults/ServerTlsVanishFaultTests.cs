using System.Net;
using System.Net.Sockets;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// TLS clients vanish without close_notify — reset right after connecting, half-way through the handshake, and in
/// the middle of a session with calls queued — and our server drops them and goes on serving TLS to virsh and to
/// our client.
/// </summary>
public sealed class ServerTlsVanishFaultTests(TestPki pki, ITestOutputHelper output) : IAsyncLifetime, IClassFixture<TestPki>
{
    private readonly TestPki _pki = pki;
    private FaultServer _server = null!;

    private string TlsUri => $"test+tls://127.0.0.1:{_server.TlsPort}/default?pkipath={_pki.GoodDir}";

    public Task InitializeAsync()
    {
        _server = FaultServer.Start(new TestBackend(), pki: _pki);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ResetBeforeAndDuringTheHandshakeIsHarmless()
    {
        // A TLS 1.2 handshake record header announcing 512 bytes, of which only a few arrive.
        byte[] partialHello = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03];
        for (int round = 0; round < 3; round++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _server.TlsPort)).Within();
            if (round > 0)
            {
                await socket.SendAsync(partialHello, SocketFlags.None).Within();
            }

            if (round > 1)
            {
                // Give the server time to be waiting inside the handshake.
                await Task.Delay(100);
            }

            socket.LingerReset(); // RST, no FIN
            TimeSpan noticed = await _server.WaitForLogAsync("TLS client", round + 1).Within();
            output.WriteLine($"handshake reset (round {round}): the server gave up on the handshake after {noticed.TotalMilliseconds:F1} ms");
            Assert.Equal(0, _server.Server.ClientCount);
        }

        output.WriteLine(string.Join('\n', _server.Log));
        await AssertStillServesTlsAsync();
    }

    [Fact]
    public async Task ResetMidSessionWithCallsQueuedIsDropped()
    {
        for (int round = 0; round < 3; round++)
        {
            await using RawWire raw = await RawWire.ConnectTlsAsync(_server.TlsPort, _pki.GoodDir);
            await raw.CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).Within();
            await raw.SendManyAsync(Procedure.ConnectGetHostname, 32).Within();
            Assert.NotNull(await raw.ReadAsync().Within());
            Assert.Equal(1, _server.Server.ClientCount);
            raw.Reset();
            TimeSpan gone = await _server.WaitForClientsAsync(0).Within();
            output.WriteLine($"TLS session reset (round {round}): client dropped after {gone.TotalMilliseconds:F1} ms");
            Assert.True(gone < FaultBounds.Prompt, $"the server kept the dead TLS client for {gone.TotalMilliseconds:F0} ms");
        }

        Assert.Equal(3, _server.Backend.Closed);
        await AssertStillServesTlsAsync();
    }

    private async Task AssertStillServesTlsAsync()
    {
        ExternalProcess.Result virsh = (await ExternalProcess.VirshAsync(TlsUri, "hostname").Within()).EnsureSuccess("virsh over TLS after the fault");
        Assert.Equal(Environment.MachineName, virsh.Stdout.Trim());
        await using (LibvirtConnection ours = await LibvirtConnection.OpenAsync(TlsUri).Within())
        {
            Assert.Equal(Environment.MachineName, await ours.GetHostnameAsync().Within());
        }

        await _server.WaitForClientsAsync(0).Within();
        _server.AssertNoHandlerFailures();
    }
}
