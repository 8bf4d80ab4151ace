using System.IO.Pipelines;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Tests.Support;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>Concurrency, request limits, output backlog, authentication deadline, keepalive and malformed frames.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task CallsOfOneClientRunConcurrentlyAndRepliesGoOutInCompletionOrder()
    {
        var backend = new GateBackend();
        await using var server = new LibvirtServer(backend);
        await using WireClient client = WireClient.Connect(server);
        await client.OpenAsync();
        uint first = client.Send(Procedure.ConnectGetHostname);
        uint second = client.Send(Procedure.ConnectGetHostname);
        uint third = client.Send(Procedure.ConnectGetHostname);
        await client.FlushAsync();
        await backend.WaitEnteredAsync(3);

        backend.Release(2, "third");
        Assert.Equal("third", (await client.ReplyAsync(third)).Decode<ConnectGetHostnameRet>().Hostname);
        backend.Release(0, "first");
        Assert.Equal("first", (await client.ReplyAsync(first)).Decode<ConnectGetHostnameRet>().Hostname);

        // A quick call overtakes the one still waiting.
        uint quick = client.Send(Procedure.ConnectGetLibVersion);
        await client.FlushAsync();
        Assert.Equal(9000000ul, (await client.ReplyAsync(quick)).Decode<ConnectGetLibVersionRet>().LibVer);
        backend.Release(1, "second");
        Assert.Equal("second", (await client.ReplyAsync(second)).Decode<ConnectGetHostnameRet>().Hostname);
    }

    [Fact]
    public async Task WithMaxClientRequestsInFlightTheServerStopsReadingEvenKeepalive()
    {
        var backend = new GateBackend();
        await using var server = new LibvirtServer(backend, new ServerOptions { MaxClientRequests = 5 });
        await using WireClient client = WireClient.Connect(server);
        await client.OpenAsync();
        uint[] blocked = [.. Enumerable.Range(0, 5).Select(_ => client.Send(Procedure.ConnectGetHostname))];
        uint sixth = client.Send(Procedure.ConnectGetLibVersion);
        client.SendKeepalive(1);
        await client.FlushAsync();
        await backend.WaitEnteredAsync(5);

        // Neither the sixth call nor the PING is read (libvirtd answers neither) and the client is not dropped.
        Assert.True(await client.StaysQuietAsync(TimeSpan.FromMilliseconds(700)));
        Assert.Equal(5, backend.Entered);
        Assert.False(client.Serving.IsCompleted);

        backend.Release(3, "h3");
        Assert.Equal("h3", (await client.ReplyAsync(blocked[3])).Decode<ConnectGetHostnameRet>().Hostname);
        Assert.Equal(9000000ul, (await client.ReplyAsync(sixth)).Decode<ConnectGetLibVersionRet>().LibVer);
        ReceivedFrame? pong = await client.ReadAsync();
        Assert.NotNull(pong);
        Assert.Equal((uint)KeepaliveProtocol.KeepaliveProgram, pong.Header.Prog);
        Assert.Equal(2, pong.Header.Proc);

        foreach (int i in new[] { 0, 1, 2, 4 })
        {
            backend.Release(i, "h");
            await client.ReplyAsync(blocked[i]);
        }
    }

    [Fact]
    public async Task ClientThatNeverReadsIsDroppedAndOthersStayServed()
    {
        var backend = new GateBackend { CapabilitiesSize = 64 * 1024 };
        await using var server = new LibvirtServer(backend, new ServerOptions { MaxOutputBacklog = 1024 * 1024 });

        // The pipe towards the client holds at most 64 KiB; everything beyond stays in the server's outbox.
        await using WireClient hog = WireClient.Connect(server, clientPipe: new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024));
        await using WireClient other = WireClient.Connect(server);
        hog.Send(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        await other.OpenAsync();
        bool dropped = false;
        for (int i = 0; i < 400 && !dropped; i++)
        {
            hog.Send(Procedure.ConnectGetCapabilities);
            try
            {
                await hog.FlushAsync();
            }
            catch (InvalidOperationException)
            {
                dropped = true;
            }

            dropped |= hog.Serving.IsCompleted;
            if (i % 20 == 0)
            {
                Assert.Equal(VirNetMessageStatus.Ok, (await other.CallAsync(Procedure.ConnectGetLibVersion)).Header.Status);
            }
        }

        // 400 replies of 64 KiB would be 25 MiB; the server gives up on the client long before.
        await hog.Serving.WaitAsync(WireClient.Timeout);
        Assert.Equal(1, server.ClientCount);
        Assert.Equal(VirNetMessageStatus.Ok, (await other.CallAsync(Procedure.ConnectGetLibVersion)).Header.Status);
    }

    [Fact]
    public async Task HalfSentFrameBeforeAuthenticationIsDroppedAfterTheDeadline()
    {
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions { AuthenticationTimeout = TimeSpan.FromMilliseconds(500) });
        await using WireClient slow = WireClient.Connect(server);
        await using WireClient quick = WireClient.Connect(server);
        slow.SendLengthWord(40);
        slow.SendRaw(new byte[10]);
        await slow.FlushAsync();
        await quick.OpenAsync();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await slow.ExpectClosedAsync();
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

        // The quick client sent a whole message in time and stays.
        await Task.Delay(300);
        Assert.Equal(VirNetMessageStatus.Ok, (await quick.CallAsync(Procedure.ConnectGetLibVersion)).Header.Status);
    }

    [Fact]
    public async Task UnauthenticatedClientIsDroppedAfterTheDeadline()
    {
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions { AuthenticationTimeout = TimeSpan.FromMilliseconds(500) });
        await using WireClient client = WireClient.Connect(server, new ListenerOptions { Auth = Config.ServerAuth.Sasl });
        Assert.Equal(VirNetMessageStatus.Ok, (await client.CallAsync(Procedure.AuthList)).Header.Status);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task KeepaliveDropsAClientAfterKeepaliveCountUnansweredPings()
    {
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(200), KeepaliveCount = 3 });
        await using WireClient silent = WireClient.Connect(server);
        ReceivedFrame feature = await silent.CallAsync(Procedure.ConnectSupportsFeature, new ConnectSupportsFeatureArgs { Feature = 10 });
        Assert.Equal(1, feature.Decode<ConnectSupportsFeatureRet>().Supported);

        int pings = 0;
        while (await silent.ReadAsync() is ReceivedFrame frame)
        {
            Assert.Equal((uint)KeepaliveProtocol.KeepaliveProgram, frame.Header.Prog);
            Assert.Equal(1, frame.Header.Proc);
            Assert.Equal(VirNetMessageType.Message, frame.Header.Type);
            pings++;
        }

        Assert.Equal(3, pings);
    }

    [Fact]
    public async Task KeepaliveKeepsAClientThatAnswers()
    {
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(150), KeepaliveCount = 2 });
        await using WireClient client = WireClient.Connect(server);
        client.SkipPingsInReplies = true;
        await client.CallAsync(Procedure.ConnectSupportsFeature, new ConnectSupportsFeatureArgs { Feature = 10 });
        await client.OpenAsync();
        int pings = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            ReceivedFrame? frame = await client.ReadAsync();
            Assert.NotNull(frame);
            Assert.Equal(1, frame.Header.Proc);
            pings++;
            client.SendKeepalive(2);
            await client.FlushAsync();
        }

        Assert.True(pings >= 4, $"{pings} pings");
        Assert.Equal(VirNetMessageStatus.Ok, (await client.CallAsync(Procedure.ConnectGetLibVersion)).Header.Status);
    }

    [Fact]
    public async Task ClientThatDidNotAskForKeepaliveIsNotPinged()
    {
        await using var server = new LibvirtServer(new GateBackend(), new ServerOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(100), KeepaliveCount = 1 });
        await using WireClient client = WireClient.Connect(server);
        await client.OpenAsync();
        Assert.True(await client.StaysQuietAsync(TimeSpan.FromMilliseconds(600)));
        Assert.Equal(VirNetMessageStatus.Ok, (await client.CallAsync(Procedure.ConnectGetLibVersion)).Header.Status);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(27u)]
    [InlineData(4u + 33554432u + 1u)]
    [InlineData(uint.MaxValue)]
    public async Task LengthWordOutOfRangeEndsThatConnectionOnly(uint length)
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient bad = WireClient.Connect(server);
        await using WireClient good = WireClient.Connect(server);
        await good.OpenAsync();
        bad.SendLengthWord(length);
        bad.SendRaw(new byte[64]);
        await bad.FlushAsync();
        await bad.ExpectClosedAsync();
        await bad.Serving.WaitAsync(WireClient.Timeout);
        Assert.Equal(VirNetMessageStatus.Ok, (await good.CallAsync(Procedure.ConnectGetLibVersion)).Header.Status);
        Assert.Equal(1, server.ClientCount);
    }
}
