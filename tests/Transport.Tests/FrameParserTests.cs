using System.Buffers;
using System.Buffers.Binary;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

public class FrameParserTests
{
    private static readonly VirNetMessageHeader GetInfoReply = new()
    {
        Prog = (uint)RemoteProtocol.RemoteProgram,
        Vers = 1,
        Proc = (int)Procedure.DomainGetInfo,
        Type = VirNetMessageType.Reply,
        Serial = 7,
        Status = VirNetMessageStatus.Ok,
    };

    internal static byte[] BuildFrames(int count)
    {
        using var output = new PooledBufferWriter();
        for (int i = 0; i < count; i++)
        {
            VirNetMessageHeader header = GetInfoReply;
            header.Serial = (uint)i;
            var body = new DomainGetInfoRet { State = 1, MaxMem = 1UL << 40, Memory = 4096, NrVirtCpu = 2, CpuTime = (ulong)i };
            FrameWriter.Write(output, header, body);
        }

        return output.ToArray();
    }

    [Fact]
    public void WrittenFrameHasLengthThatCountsItself()
    {
        byte[] bytes = BuildFrames(1);
        Assert.Equal(4 + 24 + 32, bytes.Length);
        Assert.Equal((uint)bytes.Length, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        Assert.Equal(0x20008086u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(12)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)));
    }

    [Fact]
    public void ParsesEverySplitIntoTwoSegments()
    {
        byte[] bytes = BuildFrames(3);
        for (int split = 0; split <= bytes.Length; split++)
        {
            ReadOnlySequence<byte> buffer = Segments.Split(bytes, split);
            AssertThreeFrames(buffer);
        }
    }

    [Fact]
    public void ParsesOneBytePerSegment()
    {
        byte[] bytes = BuildFrames(3);
        AssertThreeFrames(Segments.OneBytePerSegment(bytes));
    }

    [Fact]
    public void NeedsMoreDataForEveryProperPrefix()
    {
        byte[] bytes = BuildFrames(1);
        for (int n = 0; n < bytes.Length; n++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, n);
            Assert.Equal(OperationStatus.NeedMoreData, FrameParser.TryParse(ref buffer, out _));
            Assert.Equal(n, buffer.Length);
        }
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(4u)]
    [InlineData(27u)]
    public void RejectsLengthBelowMinimumBeforeTheBodyArrives(uint length)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, length);
        var buffer = new ReadOnlySequence<byte>(bytes);
        FrameException error = Assert.Throws<FrameException>(() => FrameParser.TryParse(ref buffer, out _));
        Assert.Contains("minimum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(33554432u + 5)]
    [InlineData(uint.MaxValue)]
    public void RejectsLengthAboveMaximumBeforeTheBodyArrives(uint length)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, length);
        var buffer = new ReadOnlySequence<byte>(bytes);
        FrameException error = Assert.Throws<FrameException>(() => FrameParser.TryParse(ref buffer, out _));
        Assert.Contains("maximum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptsTheLargestLegalLengthAndWaitsForIt()
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 33554432u + 4);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(OperationStatus.NeedMoreData, FrameParser.TryParse(ref buffer, out _));
    }

    [Fact]
    public void ReadsDescriptorCountOfWithFdsMessagesAndTakesTheirDummyBytes()
    {
        using var output = new PooledBufferWriter();
        VirNetMessageHeader header = GetInfoReply;
        header.Type = VirNetMessageType.ReplyWithFds;
        FrameWriter.WriteWithFds(output, header, 3, new DomainGetInfoRet { State = 5 });
        output.Write(new byte[] { 0, 0, 0 });
        var buffer = new ReadOnlySequence<byte>(output.ToArray());
        Assert.Equal(OperationStatus.Done, FrameParser.TryParse(ref buffer, out Frame frame));
        Assert.Equal(3, frame.FdCount);
        Assert.Equal(5, frame.DecodeBody<DomainGetInfoRet>().State);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void WithFdsFrameWaitsForEveryDummyByte()
    {
        byte[] bytes = BuildMixedFrames();
        int firstFrameEnd = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes);
        for (int n = 0; n < firstFrameEnd + 2; n++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, n);
            Assert.Equal(OperationStatus.NeedMoreData, FrameParser.TryParse(ref buffer, out _));
            Assert.Equal(n, buffer.Length);
        }

        var complete = new ReadOnlySequence<byte>(bytes, 0, firstFrameEnd + 2);
        Assert.Equal(OperationStatus.Done, FrameParser.TryParse(ref complete, out Frame frame));
        Assert.Equal(2, frame.FdCount);
        Assert.Equal(0, complete.Length);
    }

    [Fact]
    public void DummyBytesAreSkippedWhateverTheirValue()
    {
        byte[] bytes = BuildMixedFrames(dummy: 0xA5);
        AssertMixedFrames(new ReadOnlySequence<byte>(bytes));
    }

    [Fact]
    public void ParsesFramesWithDescriptorsAtEverySplit()
    {
        byte[] bytes = BuildMixedFrames();
        for (int split = 0; split <= bytes.Length; split++)
        {
            AssertMixedFrames(Segments.Split(bytes, split));
        }

        AssertMixedFrames(Segments.OneBytePerSegment(bytes));
    }

    /// <summary>REPLY_WITH_FDS (2 fds), REPLY, CALL_WITH_FDS (0 fds), REPLY_WITH_FDS (32 fds), REPLY.</summary>
    private static byte[] BuildMixedFrames(byte dummy = 0)
    {
        using var output = new PooledBufferWriter();
        int[] fdCounts = [2, -1, 0, 32, -1];
        for (int i = 0; i < fdCounts.Length; i++)
        {
            VirNetMessageHeader header = GetInfoReply;
            header.Serial = (uint)i;
            var body = new DomainGetInfoRet { CpuTime = (ulong)i, MaxMem = 1UL << 40 };
            if (fdCounts[i] < 0)
            {
                FrameWriter.Write(output, header, body);
                continue;
            }

            header.Type = i == 2 ? VirNetMessageType.CallWithFds : VirNetMessageType.ReplyWithFds;
            FrameWriter.WriteWithFds(output, header, fdCounts[i], body);
            byte[] dummies = new byte[fdCounts[i]];
            Array.Fill(dummies, dummy);
            output.Write(dummies);
        }

        return output.ToArray();
    }

    private static void AssertMixedFrames(ReadOnlySequence<byte> buffer)
    {
        int[] expected = [2, 0, 0, 32, 0];
        for (uint i = 0; i < expected.Length; i++)
        {
            Assert.Equal(OperationStatus.Done, FrameParser.TryParse(ref buffer, out Frame frame));
            Assert.Equal(i, frame.Header.Serial);
            Assert.Equal(expected[i], frame.FdCount);
            Assert.Equal(i, frame.DecodeBody<DomainGetInfoRet>().CpuTime);
        }

        Assert.Equal(OperationStatus.NeedMoreData, FrameParser.TryParse(ref buffer, out _));
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void RejectsMoreThan32Descriptors()
    {
        using var output = new PooledBufferWriter();
        VirNetMessageHeader header = GetInfoReply;
        header.Type = VirNetMessageType.CallWithFds;
        FrameWriter.Write(output, header, [0, 0, 0, 33]);
        var buffer = new ReadOnlySequence<byte>(output.ToArray());
        Assert.Throws<FrameException>(() => FrameParser.TryParse(ref buffer, out _));
    }

    [Fact]
    public void WriterRefusesMessagesOverTheMaximum()
    {
        using var output = new PooledBufferWriter();
        var body = new byte[FrameLimits.MaxMessageSize - FrameLimits.HeaderSize + 1];
        Assert.Throws<FrameException>(() => FrameWriter.Write(output, GetInfoReply, body));
    }

    [Fact]
    public void TrailingBytesInBodyAreRejectedByDecodeBody()
    {
        using var output = new PooledBufferWriter();
        FrameWriter.Write(output, GetInfoReply, new byte[36]);
        var buffer = new ReadOnlySequence<byte>(output.ToArray());
        FrameParser.TryParse(ref buffer, out Frame frame);
        XdrException error = Assert.Throws<XdrException>(() => frame.DecodeBody<DomainGetInfoRet>());
        Assert.Equal(XdrErrorKind.TrailingBytes, error.Kind);
    }

    private static void AssertThreeFrames(ReadOnlySequence<byte> buffer)
    {
        for (uint i = 0; i < 3; i++)
        {
            Assert.Equal(OperationStatus.Done, FrameParser.TryParse(ref buffer, out Frame frame));
            Assert.Equal(i, frame.Header.Serial);
            Assert.Equal(VirNetMessageType.Reply, frame.Header.Type);
            DomainGetInfoRet body = frame.DecodeBody<DomainGetInfoRet>();
            Assert.Equal(i, body.CpuTime);
            Assert.Equal(1UL << 40, body.MaxMem);
        }

        Assert.Equal(OperationStatus.NeedMoreData, FrameParser.TryParse(ref buffer, out _));
        Assert.Equal(0, buffer.Length);
    }
}
