using System.Diagnostics;
using System.Net;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server;
using LibvirtRemote.Server.TestHypervisor;
using LibvirtRemote.Transport.Sasl.Server;
using LibvirtRemote.Xdr;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// Clients vanish half-way through SASL (DIGEST-MD5 over plain TCP) — a raw client reset after AUTH_SASL_START, and
/// python3-libvirt SIGKILLed while it is being asked for credentials — with max_anonymous_clients at 1: the server
/// drops them, releases the unauthenticated slot, and the next client logs in.
/// </summary>
public sealed class ServerSaslVanishFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string StuckPython = """
        import libvirt, sys, time
        libvirt.registerErrorHandler(lambda *_: None, None)
        def callback(credentials, data):
            print('ASKED', flush=True)
            time.sleep(3600)
            return -1
        libvirt.openAuth(sys.argv[1], [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], callback, None], 0)
        """;

    private FaultServer _server = null!;

    private string SaslUri => $"test+tcp://127.0.0.1:{_server.SaslTcpPort}/default";

    public Task InitializeAsync()
    {
        var users = new SaslUserDatabase();
        users.AddUser("alice", "wonderland");
        _server = FaultServer.Start(new TestBackend(), new ServerOptions { MaxAnonymousClients = 1 }, sasl: new SaslServerOptions { Users = users });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ResetAfterSaslStartReleasesTheAnonymousSlot()
    {
        Task<LibvirtConnection> next;
        var clock = new Stopwatch();
        await using (RawWire raw = await RawWire.ConnectTcpAsync(_server.SaslTcpPort))
        {
            AuthListRet auth = await raw.CallAsync<XdrVoid, AuthListRet>(Procedure.AuthList, default).Within();
            Assert.Equal([AuthType.Sasl], auth.Types);
            AuthSaslInitRet init = await raw.CallAsync<XdrVoid, AuthSaslInitRet>(Procedure.AuthSaslInit, default).Within();
            Assert.Contains("DIGEST-MD5", init.Mechlist, StringComparison.Ordinal);
            AuthSaslStartRet challenge = await raw.CallAsync<AuthSaslStartArgs, AuthSaslStartRet>(
                Procedure.AuthSaslStart, new AuthSaslStartArgs { Mech = "DIGEST-MD5", Nil = 1, Data = [] }).Within();
            Assert.Equal(0, challenge.Complete);
            Assert.NotEmpty(challenge.Data);

            // The only unauthenticated slot is taken: the next client is not even accepted yet.
            next = OpenAsAliceAsync();
            await Task.Delay(500);
            Assert.False(next.IsCompleted, "a second unauthenticated client got in while max_anonymous_clients = 1 was in use");

            clock.Start();
            raw.Reset();
        }

        await using (LibvirtConnection alice = await next.Within())
        {
            output.WriteLine($"reset after AUTH_SASL_START to the waiting client being logged in: {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.Equal(Environment.MachineName, await alice.GetHostnameAsync().Within());
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task KilledPythonMidSaslReleasesTheAnonymousSlot()
    {
        await using (FaultProcess python = FaultProcess.Python(StuckPython, SaslUri))
        {
            await python.WaitForLineAsync("ASKED").Within();
            Assert.Equal(1, _server.Server.ClientCount);
            Task<LibvirtConnection> next = OpenAsAliceAsync();
            await Task.Delay(500);
            Assert.False(next.IsCompleted, "a second unauthenticated client got in while max_anonymous_clients = 1 was in use");

            var clock = Stopwatch.StartNew();
            await python.KillAsync().Within();
            await using LibvirtConnection alice = await next.Within();
            output.WriteLine($"python SIGKILL mid-SASL to the waiting client being logged in: {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.Equal(Environment.MachineName, await alice.GetHostnameAsync().Within());
        }

        await AssertStillServesAsync();
    }

    private Task<LibvirtConnection> OpenAsAliceAsync()
        => LibvirtConnection.OpenAsync(SaslUri, new LibvirtConnectionOptions { Credentials = new NetworkCredential("alice", "wonderland") });

    private async Task AssertStillServesAsync()
    {
        // Twice in a row: a leaked slot would block the second.
        for (int i = 0; i < 2; i++)
        {
            await using LibvirtConnection again = await OpenAsAliceAsync().Within();
            Assert.Equal(Environment.MachineName, await again.GetHostnameAsync().Within());
        }

        await _server.WaitForClientsAsync(0).Within();
        _server.AssertNoHandlerFailures();
    }
}
