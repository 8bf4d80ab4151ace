using System.IO.Pipelines;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

public class FrameReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(60)]
    [InlineData(4096)]
    public async Task ReadsFramesFedInChunksOfAnySize(int chunk)
    {
        byte[] bytes = FrameParserTests.BuildFrames(5);
        var pipe = new Pipe();
        Task feeder = Task.Run(async () =>
        {
            for (int i = 0; i < bytes.Length; i += chunk)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
            }

            await pipe.Writer.CompleteAsync();
        });
        var reader = new FrameReader(pipe.Reader);
        for (uint i = 0; i < 5; i++)
        {
            Frame? frame = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            Assert.NotNull(frame);
            Assert.Equal(i, frame.Value.Header.Serial);
            Assert.Equal(i, frame.Value.DecodeBody<DomainGetInfoRet>().CpuTime);
        }

        Assert.Null(await reader.ReadAsync().AsTask().WaitAsync(Timeout));
        await feeder.WaitAsync(Timeout);
    }

    [Fact]
    public async Task StreamEndingInsideAFrameIsAnError()
    {
        byte[] bytes = FrameParserTests.BuildFrames(2);
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes.AsMemory(0, bytes.Length - 3));
        await pipe.Writer.CompleteAsync();
        var reader = new FrameReader(pipe.Reader);
        Assert.NotNull(await reader.ReadAsync().AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAsync<FrameException>(() => reader.ReadAsync().AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ManyFramesWrittenInOneFlushAreAllRead()
    {
        var pipe = new Pipe();
        for (uint i = 0; i < 64; i++)
        {
            var header = new VirNetMessageHeader { Prog = 0x20008086, Vers = 1, Proc = 1, Type = VirNetMessageType.Call, Serial = i };
            FrameWriter.Write(pipe.Writer, header, new ConnectOpenArgs { Name = "test:///default", Flags = i });
        }

        await pipe.Writer.FlushAsync();
        await pipe.Writer.CompleteAsync();
        var reader = new FrameReader(pipe.Reader);
        for (uint i = 0; i < 64; i++)
        {
            Frame? frame = await reader.ReadAsync().AsTask().WaitAsync(Timeout);
            ConnectOpenArgs args = frame!.Value.DecodeBody<ConnectOpenArgs>();
            Assert.Equal("test:///default", args.Name);
            Assert.Equal(i, args.Flags);
        }

        Assert.Null(await reader.ReadAsync().AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task OversizedLengthFailsWithoutWaitingForTheBody()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0x7f, 0xff, 0xff, 0xff });
        var reader = new FrameReader(pipe.Reader);
        await Assert.ThrowsAsync<FrameException>(() => reader.ReadAsync().AsTask().WaitAsync(Timeout));
    }
}
