using System.Buffers.Binary;
using LibvirtRemote.Transport.Tls;
using Xunit;

namespace LibvirtRemote.Transport.Tests.Tls;

public sealed class FramePerWriteStreamTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task FramesInOneWriteGoOutAsSeparateWrites()
    {
        var inner = new RecordingStream();
        await using var stream = new FramePerWriteStream(inner);
        byte[] data = [.. Frame(28, 1), .. Frame(40, 2), .. Frame(32, 3)];
        await stream.WriteAsync(data).AsTask().WaitAsync(Timeout);
        Assert.Equal([28, 40, 32], inner.Writes.Select(w => w.Length));
        Assert.Equal(data, inner.Writes.SelectMany(w => w));
    }

    [Fact]
    public async Task WritesCutAnywhereIncludingInsideTheLengthWordNeverMixFrames()
    {
        byte[] data = [.. Frame(28, 1), .. Frame(100, 2), .. Frame(28, 3), .. Frame(36, 4)];
        for (int chunk = 1; chunk <= data.Length; chunk++)
        {
            var inner = new RecordingStream();
            await using var stream = new FramePerWriteStream(inner);
            for (int offset = 0; offset < data.Length; offset += chunk)
            {
                await stream.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset))).AsTask().WaitAsync(Timeout);
            }

            Assert.Equal(data, inner.Writes.SelectMany(w => w));

            // Each inner write lies within one frame: frame boundaries are at 28, 128, 156, 192.
            int[] boundaries = [0, 28, 128, 156, 192];
            int position = 0;
            foreach (byte[] write in inner.Writes)
            {
                int frameEnd = boundaries.First(b => b > position);
                Assert.True(position + write.Length <= frameEnd, $"chunk {chunk}: a write from {position} of {write.Length} bytes crosses the frame end at {frameEnd}");
                position += write.Length;
            }
        }
    }

    [Fact]
    public async Task ReadsPassThrough()
    {
        var inner = new RecordingStream { Incoming = new MemoryStream([1, 2, 3]) };
        await using var stream = new FramePerWriteStream(inner);
        byte[] buffer = new byte[3];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
        Assert.Equal([1, 2, 3], buffer);
    }

    private static byte[] Frame(int length, byte fill)
    {
        byte[] frame = new byte[length];
        frame.AsSpan(4).Fill(fill);
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
        return frame;
    }

    private sealed class RecordingStream : Stream
    {
        public List<byte[]> Writes { get; } = [];

        public MemoryStream Incoming { get; init; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Incoming.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(buffer.AsSpan(offset, count).ToArray());

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }
    }
}
