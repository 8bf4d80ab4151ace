using System.Collections.Concurrent;
using System.IO.Pipelines;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Tests.Support;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>How the server groups replies into writes and when it moves a connection off the receiving thread.</summary>
public sealed class BatchingTests
{
    [Fact]
    public async Task RepliesToCallsReceivedTogetherLeaveInOneWrite()
    {
        await using var server = new LibvirtServer(new DelegateBackend(_ => new QuickHandlers()), new ServerOptions { MaxClientRequests = 64 });
        var toServer = new Pipe();
        var toClient = new Pipe();
        var output = new FlushCountingWriter(toClient.Writer);
        Task serving = server.ServeAsync(new DuplexPipe(toServer.Reader, output), new ListenerOptions());
        await using var client = new WireClient(new DuplexPipe(toClient.Reader, toServer.Writer), serving);
        await client.OpenAsync();
        int before = output.Flushes;

        uint[] serials = [.. Enumerable.Range(0, 40).Select(_ => client.Send(Procedure.ConnectGetLibVersion))];
        await client.FlushAsync();
        foreach (uint serial in serials)
        {
            Assert.Equal(9000000ul, (await client.ReplyAsync(serial)).Decode<ConnectGetLibVersionRet>().LibVer);
        }

        Assert.Equal(1, output.Flushes - before);
    }

    [Fact]
    public async Task ACallOverTheInlineBudgetMovesItsConnectionToThePoolAndItKeepsWorking()
    {
        var log = new ConcurrentQueue<string>();
        var options = new ServerOptions { InlineBudget = TimeSpan.FromMilliseconds(1) };
        await using var server = new LibvirtServer(new DelegateBackend(_ => new QuickHandlers()), options, (_, message) => log.Enqueue(message))
        {
            LogLevel = LogLevelName.Debug,
        };
        await using WireClient client = WireClient.Connect(server);
        await client.OpenAsync();
        uint quick = client.Send(Procedure.ConnectGetLibVersion);
        await client.FlushAsync();
        await client.ReplyAsync(quick);
        Assert.DoesNotContain(log, m => m.Contains("inline budget", StringComparison.Ordinal));

        // One slow batch can be a preempted thread; several close together are a slow handler.
        for (int i = 0; i < 4; i++)
        {
            uint slow = client.Send(Procedure.ConnectGetHostname);
            await client.FlushAsync();
            Assert.Equal("slow", (await client.ReplyAsync(slow)).Decode<ConnectGetHostnameRet>().Hostname);
        }

        for (int i = 0; i < 3; i++)
        {
            uint next = client.Send(Procedure.ConnectGetLibVersion);
            await client.FlushAsync();
            Assert.Equal(9000000ul, (await client.ReplyAsync(next)).Decode<ConnectGetLibVersionRet>().LibVer);
        }

        Assert.Single(log, m => m.Contains("inline budget", StringComparison.Ordinal));
    }

    private sealed class QuickHandlers : OpenableHandlers
    {
        public override ValueTask<ConnectGetLibVersionRet> ConnectGetLibVersionAsync(ServerCall call) => new(new ConnectGetLibVersionRet { LibVer = 9000000 });

        public override ValueTask<ConnectGetHostnameRet> ConnectGetHostnameAsync(ServerCall call)
        {
            // Blocks its thread on purpose: the kind of handler the inline budget guards against.
            Thread.Sleep(20);
            return new(new ConnectGetHostnameRet { Hostname = "slow" });
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Passes writes through and counts flushes (each one is a write to the socket in a real transport).</summary>
    private sealed class FlushCountingWriter(PipeWriter inner) : PipeWriter
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _flushes);
            return inner.FlushAsync(cancellationToken);
        }
    }
}
