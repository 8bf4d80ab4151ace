using System.Text;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Client.Tests.Streams;

/// <summary>LibvirtStream against a scripted server: packet order, ends, errors, holes, loss.</summary>
public sealed class LibvirtStreamTests
{
    private const uint Prog = (uint)RemoteProtocol.RemoteProgram;
    private const uint Vers = (uint)RemoteProtocol.RemoteProtocolVersion;
    private static readonly TimeSpan Timeout = FakePeer.Timeout;
    private static readonly NonnullDomain Domain = new() { Name = "test", Uuid = new byte[16], Id = 1 };
    private static readonly NonnullStorageVol Volume = new() { Pool = "p", Name = "v", Key = "/p/v" };

    [Fact]
    public async Task DataBeforeTheReplyIsKept()
    {
        await using var peer = new FakePeer();
        Task<(DomainScreenshotRet Reply, LibvirtStream Stream)> open = OpenScreenshot(peer);
        ReceivedFrame call = await peer.ReadAsync();
        Assert.Equal(VirNetMessageType.Call, call.Header.Type);

        await peer.SendAsync(FakePeer.Stream(call), "first "u8.ToArray());
        await peer.SendAsync(FakePeer.Stream(call), "second"u8.ToArray());
        await peer.SendAsync(FakePeer.Reply(call), new DomainScreenshotRet { Mime = "image/png" });
        await peer.SendAsync(FakePeer.Stream(call));
        (DomainScreenshotRet reply, LibvirtStream stream) = await open.WaitAsync(Timeout);
        Assert.Equal("image/png", reply.Mime);

        Assert.Equal("first second", await ReadAllAsync(stream));
        await FinishAndConfirmAsync(peer, call, stream);
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task EndMarkerBeforeTheReplyIsKept()
    {
        await using var peer = new FakePeer();
        Task<(DomainScreenshotRet Reply, LibvirtStream Stream)> open = OpenScreenshot(peer);
        ReceivedFrame call = await peer.ReadAsync();

        // Everything, end marker included, ahead of the reply (seen from libvirtd 9.0.0 now and then).
        await peer.SendAsync(FakePeer.Stream(call), "PNG"u8.ToArray());
        await peer.SendAsync(FakePeer.Stream(call));
        await peer.SendAsync(FakePeer.Reply(call), new DomainScreenshotRet { Mime = "image/png" });
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);
        Assert.True(stream.EndReceived);

        Assert.Equal("PNG", await ReadAllAsync(stream));
        Assert.Equal(0, await stream.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));

        // Disposing a stream whose end has arrived finishes it, and waits for the server's confirmation.
        ValueTask dispose = stream.DisposeAsync();
        ReceivedFrame finish = await peer.ReadAsync();
        AssertStreamPacket(call, finish, VirNetMessageStatus.Ok, 0);
        await peer.SendAsync(FakePeer.Stream(call, VirNetMessageStatus.Ok));
        await dispose.AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task ServerErrorMidStreamFailsReadsAndFinish()
    {
        await using var peer = new FakePeer();
        Task<(DomainScreenshotRet Reply, LibvirtStream Stream)> open = OpenScreenshot(peer);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call), new DomainScreenshotRet { Mime = "image/png" });
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);
        await peer.SendAsync(FakePeer.Stream(call), "part"u8.ToArray());
        var buffer = new byte[16];
        Assert.Equal(4, await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout));

        ValueTask<int> pending = stream.ReadAsync(buffer);
        await peer.SendErrorAsync(call, 38, "cannot read the screen");
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => pending.AsTask().WaitAsync(Timeout));
        Assert.Equal((ErrorCode)38, error.Code);
        Assert.Equal((ErrorDomain)18, error.Domain);
        Assert.Equal("cannot read the screen", error.Message);
        await Assert.ThrowsAsync<LibvirtException>(() => stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAsync<LibvirtException>(() => stream.FinishAsync().WaitAsync(Timeout));

        // The server already dropped its side: no abort goes out, and the connection still works.
        await stream.AbortAsync().WaitAsync(Timeout);
        await stream.DisposeAsync().AsTask().WaitAsync(Timeout);
        await AssertConnectionUsableAsync(peer);
    }

    [Fact]
    public async Task HoleWithoutSparseFlagIsRefusedAndTheStreamAborted()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolDownload, FileAccess.Read, sparse: false);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);

        await peer.SendHoleAsync(call, 8192);
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Timeout));
        Assert.Equal("Unexpected stream hole", error.Message);
        Assert.Equal(ErrorCode.Rpc, error.Code);
        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Error, 0);

        await stream.DisposeAsync().AsTask().WaitAsync(Timeout);
        await AssertConnectionUsableAsync(peer);
    }

    [Fact]
    public async Task SendingAHoleWithoutSparseFlagThrowsAndSendsNothing()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolUpload, FileAccess.Write, sparse: false);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);

        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.SendHoleAsync(4096).AsTask().WaitAsync(Timeout));
        await stream.WriteAsync("data"u8.ToArray()).AsTask().WaitAsync(Timeout);
        ReceivedFrame data = await peer.ReadAsync();
        AssertStreamPacket(call, data, VirNetMessageStatus.Continue, 4);
        await FinishAndConfirmAsync(peer, call, stream);
    }

    [Fact]
    public async Task ConnectionLossMidStreamFailsReadersAndWriters()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> openDownload = OpenVolume(peer, Procedure.StorageVolDownload, FileAccess.Read, sparse: false);
        ReceivedFrame downloadCall = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(downloadCall));
        (_, LibvirtStream download) = await openDownload.WaitAsync(Timeout);
        Task<(XdrVoid Reply, LibvirtStream Stream)> openUpload = OpenVolume(peer, Procedure.StorageVolUpload, FileAccess.Write, sparse: false);
        ReceivedFrame uploadCall = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(uploadCall));
        (_, LibvirtStream upload) = await openUpload.WaitAsync(Timeout);

        await peer.SendAsync(FakePeer.Stream(downloadCall), new byte[1000]);
        Assert.Equal(1000, await download.ReadAsync(new byte[4096]).AsTask().WaitAsync(Timeout));
        ValueTask<int> pending = download.ReadAsync(new byte[4096]);
        await peer.HangUpAsync();

        await Assert.ThrowsAsync<ConnectionLostException>(() => pending.AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAsync<ConnectionLostException>(() => upload.WriteAsync(new byte[10]).AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAsync<ConnectionLostException>(() => upload.FinishAsync().WaitAsync(Timeout));
        await download.DisposeAsync().AsTask().WaitAsync(Timeout);
        await upload.DisposeAsync().AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task SparseDownloadReportsHolesOrZeros()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolDownload, FileAccess.Read, sparse: true);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);

        // The layout of the golden sparse-download session: data 4096, hole 8192, data 4096, hole 4096, end.
        byte[] first = Enumerable.Repeat((byte)'A', 4096).ToArray();
        byte[] second = Enumerable.Repeat((byte)'B', 4096).ToArray();
        await peer.SendAsync(FakePeer.Stream(call), first);
        await peer.SendHoleAsync(call, 8192);
        await peer.SendAsync(FakePeer.Stream(call), second);
        await peer.SendHoleAsync(call, 4096);
        await peer.SendAsync(FakePeer.Stream(call));

        var buffer = new byte[3000];
        var segments = new List<StreamSegment>();
        StreamSegment segment;
        do
        {
            segment = await stream.ReadSegmentAsync(buffer).AsTask().WaitAsync(Timeout);
            segments.Add(segment);
        }
        while (segment.Kind != StreamSegmentKind.End);

        Assert.Equal(
            [Data(3000), Data(1096), Hole(8192), Data(3000), Data(1096), Hole(4096), new StreamSegment(StreamSegmentKind.End, 0)],
            segments);
        await FinishAndConfirmAsync(peer, call, stream);

        // Same packets, plain reads: the holes come back as zeros.
        Task<(XdrVoid Reply, LibvirtStream Stream)> again = OpenVolume(peer, Procedure.StorageVolDownload, FileAccess.Read, sparse: true);
        call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, stream) = await again.WaitAsync(Timeout);
        await peer.SendAsync(FakePeer.Stream(call), first);
        await peer.SendHoleAsync(call, 8192);
        await peer.SendAsync(FakePeer.Stream(call), second);
        await peer.SendHoleAsync(call, 4096);
        await peer.SendAsync(FakePeer.Stream(call));
        var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(Timeout);
        Assert.Equal([.. first, .. new byte[8192], .. second, .. new byte[4096]], all.ToArray());
        await FinishAndConfirmAsync(peer, call, stream);
    }

    [Fact]
    public async Task UploadSendsChunksHolesAndWaitsForTheFinishConfirmation()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolUpload, FileAccess.Write, sparse: true);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);

        byte[] data = new byte[600_000];
        Random.Shared.NextBytes(data);
        var finishSent = new TaskCompletionSource();
        Task finish = Task.Run(async () =>
        {
            // The in-memory pipe pushes back like a socket, so the peer must read while this writes.
            await stream.WriteAsync(data);
            await stream.SendHoleAsync(1L << 33);
            await stream.WriteAsync(ReadOnlyMemory<byte>.Empty);
            Task confirmed = stream.FinishAsync();
            finishSent.SetResult();
            await confirmed;
        });

        var received = new List<byte>();
        foreach (int expected in new[] { LibvirtStream.MaxChunkSize, LibvirtStream.MaxChunkSize, 600_000 - (2 * LibvirtStream.MaxChunkSize) })
        {
            ReceivedFrame packet = await peer.ReadAsync();
            AssertStreamPacket(call, packet, VirNetMessageStatus.Continue, expected);
            received.AddRange(packet.Body);
        }

        Assert.Equal(data, received);
        ReceivedFrame hole = await peer.ReadAsync();
        Assert.Equal(VirNetMessageType.StreamHole, hole.Header.Type);
        Assert.Equal(VirNetMessageStatus.Continue, hole.Header.Status);
        Assert.Equal(call.Header.Serial, hole.Header.Serial);
        Assert.Equal("0000000200000000" + "00000000", Convert.ToHexStringLower(hole.Body));

        // The empty write sent nothing: the next packet is the finish, with no end marker before it.
        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Ok, 0);
        await finishSent.Task.WaitAsync(Timeout);
        await Task.Delay(50);
        Assert.False(finish.IsCompleted);
        await peer.SendAsync(FakePeer.Stream(call, VirNetMessageStatus.Ok));
        await finish.WaitAsync(Timeout);
        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.WriteAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        await stream.DisposeAsync().AsTask().WaitAsync(Timeout);
        await AssertConnectionUsableAsync(peer);
    }

    [Fact]
    public async Task AbortSendsAnEmptyErrorAndWaitsForTheConfirmation()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolUpload, FileAccess.Write, sparse: false);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);

        Task abort = stream.AbortAsync();
        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Error, 0);
        Assert.False(abort.IsCompleted);
        await peer.SendAsync(FakePeer.Stream(call, VirNetMessageStatus.Ok));
        await abort.WaitAsync(Timeout);

        // Disposing an unfinished upload aborts it too.
        open = OpenVolume(peer, Procedure.StorageVolUpload, FileAccess.Write, sparse: false);
        call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, stream) = await open.WaitAsync(Timeout);
        ValueTask dispose = stream.DisposeAsync();
        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Error, 0);
        await peer.SendAsync(FakePeer.Stream(call, VirNetMessageStatus.Ok));
        await dispose.AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task UnconfirmedFinishTimesOut()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolUpload, FileAccess.Write, sparse: false, new LibvirtStreamOptions { ConfirmTimeout = TimeSpan.FromMilliseconds(200) });
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);

        await Assert.ThrowsAsync<TimeoutException>(() => stream.FinishAsync().WaitAsync(Timeout));
        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Ok, 0);
        await Assert.ThrowsAsync<LibvirtClientException>(() => stream.WriteAsync(new byte[1]).AsTask().WaitAsync(Timeout));

        // A late confirmation is dropped, not taken for a protocol error.
        await peer.SendAsync(FakePeer.Stream(call, VirNetMessageStatus.Ok));
        await stream.DisposeAsync().AsTask().WaitAsync(Timeout);
        await AssertConnectionUsableAsync(peer);
    }

    [Fact]
    public async Task BufferLimitIsRecordedAndTheHardLimitAborts()
    {
        await using var peer = new FakePeer();
        var options = new LibvirtStreamOptions { BufferLimit = 10_000, MaxBufferedBytes = 100_000 };
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolDownload, FileAccess.Read, sparse: false, options);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);

        for (int i = 0; i < 5; i++)
        {
            await peer.SendAsync(FakePeer.Stream(call), new byte[8000]);
        }

        await WaitUntilAsync(() => stream.PeakBufferedBytes == 40_000);
        Assert.True(stream.BufferLimitExceeded);
        var buffer = new byte[100_000];
        int total = 0;
        while (total < 40_000)
        {
            total += await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
        }

        for (int i = 0; i < 13; i++)
        {
            await peer.SendAsync(FakePeer.Stream(call), new byte[8000]);
        }

        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Error, 0);
        await Assert.ThrowsAsync<StreamBufferOverflowException>(() => stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout));
        await stream.DisposeAsync().AsTask().WaitAsync(Timeout);
        await AssertConnectionUsableAsync(peer);
    }

    [Fact]
    public async Task ConsoleReadsAndWritesAtTheSameTime()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = LibvirtStream.OpenAsync<DomainOpenConsoleArgs, XdrVoid>(
            peer.Client, Prog, Vers, (int)Procedure.DomainOpenConsole, new DomainOpenConsoleArgs { Dom = Domain }, FileAccess.ReadWrite, sparse: false);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream console) = await open.WaitAsync(Timeout);
        Assert.True(console.CanRead && console.CanWrite);

        var buffer = new byte[64];
        ValueTask<int> read = console.ReadAsync(buffer);
        await console.WriteAsync("ls\n"u8.ToArray()).AsTask().WaitAsync(Timeout);
        ReceivedFrame typed = await peer.ReadAsync();
        AssertStreamPacket(call, typed, VirNetMessageStatus.Continue, 3);
        await peer.SendAsync(FakePeer.Stream(call), "bin etc\n"u8.ToArray());
        Assert.Equal("bin etc\n", Encoding.ASCII.GetString(buffer, 0, await read.AsTask().WaitAsync(Timeout)));

        ValueTask dispose = console.DisposeAsync();
        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Error, 0);
        await peer.SendAsync(FakePeer.Stream(call, VirNetMessageStatus.Ok));
        await dispose.AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task FailedOpeningCallLeavesNoStream()
    {
        await using var peer = new FakePeer();
        Task<(XdrVoid Reply, LibvirtStream Stream)> open = OpenVolume(peer, Procedure.StorageVolDownload, FileAccess.Read, sparse: false);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(call.Header with { Type = VirNetMessageType.Reply, Status = VirNetMessageStatus.Error }, new VirNetMessageError { Code = 50, Domain = 18, Level = 2, Message = "no volume" });
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => open.WaitAsync(Timeout));
        Assert.Equal((ErrorCode)50, error.Code);

        // Late packets for that serial are ignored.
        await peer.SendAsync(FakePeer.Stream(call), new byte[10]);
        await AssertConnectionUsableAsync(peer);
    }

    private static StreamSegment Data(long length) => new(StreamSegmentKind.Data, length);

    private static StreamSegment Hole(long length) => new(StreamSegmentKind.Hole, length);

    private static Task<(DomainScreenshotRet Reply, LibvirtStream Stream)> OpenScreenshot(FakePeer peer)
        => LibvirtStream.OpenAsync<DomainScreenshotArgs, DomainScreenshotRet>(
            peer.Client, Prog, Vers, (int)Procedure.DomainScreenshot, new DomainScreenshotArgs { Dom = Domain }, FileAccess.Read, sparse: false);

    private static Task<(XdrVoid Reply, LibvirtStream Stream)> OpenVolume(FakePeer peer, Procedure procedure, FileAccess access, bool sparse, LibvirtStreamOptions? options = null)
        => procedure == Procedure.StorageVolDownload
            ? LibvirtStream.OpenAsync<StorageVolDownloadArgs, XdrVoid>(peer.Client, Prog, Vers, (int)procedure, new StorageVolDownloadArgs { Vol = Volume, Flags = sparse ? 1u : 0u }, access, sparse, options)
            : LibvirtStream.OpenAsync<StorageVolUploadArgs, XdrVoid>(peer.Client, Prog, Vers, (int)procedure, new StorageVolUploadArgs { Vol = Volume, Flags = sparse ? 1u : 0u }, access, sparse, options);

    private static async Task<string> ReadAllAsync(LibvirtStream stream)
    {
        var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(Timeout);
        return Encoding.ASCII.GetString(all.ToArray());
    }

    private static async Task FinishAndConfirmAsync(FakePeer peer, ReceivedFrame call, LibvirtStream stream)
    {
        Task finish = stream.FinishAsync();
        AssertStreamPacket(call, await peer.ReadAsync(), VirNetMessageStatus.Ok, 0);
        await peer.SendAsync(FakePeer.Stream(call, VirNetMessageStatus.Ok));
        await finish.WaitAsync(Timeout);
    }

    private static void AssertStreamPacket(ReceivedFrame call, ReceivedFrame packet, VirNetMessageStatus status, int bodyLength)
    {
        Assert.Equal(call.Header with { Type = VirNetMessageType.Stream, Status = status }, packet.Header);
        Assert.Equal(bodyLength, packet.Body.Length);
    }

    private static async Task AssertConnectionUsableAsync(FakePeer peer)
    {
        ValueTask<ConnectGetLibVersionRet> call = peer.Client.CallAsync<XdrVoid, ConnectGetLibVersionRet>(Prog, Vers, (int)Procedure.ConnectGetLibVersion, default);
        ReceivedFrame frame = await peer.ReadAsync();
        Assert.Equal(VirNetMessageType.Call, frame.Header.Type);
        Assert.Equal((int)Procedure.ConnectGetLibVersion, frame.Header.Proc);
        await peer.SendAsync(FakePeer.Reply(frame), new ConnectGetLibVersionRet { LibVer = 9_000_000 });
        Assert.Equal(9_000_000UL, (await call.AsTask().WaitAsync(Timeout)).LibVer);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(5);
        }
    }
}
