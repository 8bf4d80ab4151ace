using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>The connection layer (handshake, multiplexing, errors, loss) against a real libvirtd 9.0.0.</summary>
public sealed class ClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    private string UnixUri => $"test+unix:///default?socket={_daemon.SocketPath}";

    [Fact]
    public async Task OpensOverUnixAndTcpAndReadsTheTestDriver()
    {
        foreach (string uri in new[] { UnixUri, $"test+tcp://127.0.0.1:{_daemon.TcpPort}/default" })
        {
            await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout);
            Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync());
            NonnullDomain domain = Assert.Single(await connection.ListAllDomainsAsync());
            Assert.Equal("test", domain.Name);
            Assert.Equal(16, (await connection.GetNodeInfoAsync()).Cpus);
            Assert.True(connection.SupportsEventCallbacks);
        }
    }

    [Fact]
    public async Task ServerErrorsBecomeTypedExceptions()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => connection.LookupDomainByNameAsync("no-such-domain"));
        Assert.Equal(ErrorCode.NoDomain, error.Code);
        Assert.Equal(ErrorDomain.Test, error.Domain);
        Assert.Equal(2, error.Level);
        Assert.Equal("Domain not found", error.Message);
        Assert.Equal("test", (await connection.LookupDomainByNameAsync("test")).Name);
    }

    [Fact]
    public async Task ProcedureUnknownToTheServerIsItsOwnException()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        NonnullDomain test = await connection.LookupDomainByNameAsync("test");

        // DOMAIN_SET_THROTTLE_GROUP (451) arrived after libvirt 9.0.0 (443 procedures).
        UnknownProcedureException error = await Assert.ThrowsAsync<UnknownProcedureException>(
            () => connection.CallAsync<DomainSetThrottleGroupArgs, XdrVoid>(Procedure.DomainSetThrottleGroup, new DomainSetThrottleGroupArgs { Dom = test, Group = "g" }).AsTask().WaitAsync(Timeout));
        Assert.Equal("unknown procedure: 451", error.Message);
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync());
    }

    [Fact]
    public async Task ReadOnlyConnectionIsRefusedAWrite()
    {
        var options = new LibvirtConnectionOptions { ReadOnly = true };
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync($"test+unix:///default?socket={_daemon.ReadOnlySocketPath}", options).WaitAsync(Timeout);
        NonnullDomain test = await connection.LookupDomainByNameAsync("test");
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(
            () => connection.CallAsync<DomainSuspendArgs, XdrVoid>(Procedure.DomainSuspend, new DomainSuspendArgs { Dom = test }).AsTask());
        Assert.Equal(ErrorCode.OperationDenied, error.Code);
        Assert.Equal("operation forbidden: read only access prevents virDomainSuspend", error.Message);
    }

    [Fact]
    public async Task SixtyFourCallersShareOneConnectionWithoutLosingOrMismatchingReplies()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        const int callers = 64;
        const int callsEach = 1563;
        int completed = 0;
        Task[] workers = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < callsEach; i++)
            {
                if ((i + c) % 2 == 0)
                {
                    Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync());
                }
                else
                {
                    Assert.Equal("test", (await connection.LookupDomainByNameAsync("test")).Name);
                }

                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(callers * callsEach, completed);
    }

    [Fact]
    public async Task CancellingAWaitingCallLeavesTheConnectionUsable()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        for (int i = 0; i < 50; i++)
        {
            using var cancel = new CancellationTokenSource();
            Task<ulong> call = connection.GetLibVersionAsync(cancel.Token);
            cancel.Cancel();
            try
            {
                await call;
            }
            catch (OperationCanceledException)
            {
            }
        }

        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
        Assert.Null(connection.Rpc.Failure);
    }

    [Fact]
    public async Task KilledDaemonFailsEveryPendingCallPromptly()
    {
        LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        using var stop = new CancellationTokenSource();
        Task[] callers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                await connection.GetLibVersionAsync();
            }
        })).ToArray();
        await Task.Delay(200);
        var clock = Stopwatch.StartNew();
        Process.GetProcessById(_daemon.Pid).Kill();
        foreach (Task caller in callers)
        {
            await Assert.ThrowsAsync<ConnectionLostException>(() => caller.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"calls took {clock.Elapsed} to fail");
        await Assert.ThrowsAsync<ConnectionLostException>(() => connection.GetLibVersionAsync());
        await connection.DisposeAsync();
    }
}
