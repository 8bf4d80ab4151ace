using Xunit;

namespace LibvirtRemote.Xdr.Tests;

/// <summary>A writer that gave its buffers back to the pool keeps working, and holds nothing of what it had.</summary>
public sealed class PooledBufferWriterReleaseTests
{
    [Fact]
    public void WriterIsEmptyAfterReleaseAndWritesAgain()
    {
        using var writer = new PooledBufferWriter();
        Write(writer, Pattern(5000, 1));
        Assert.Equal(5000, writer.Length);

        writer.ReleaseBuffers();
        Assert.Equal(0, writer.Length);
        Assert.True(writer.AsSequence().IsEmpty);

        // Small then large: the first kept segment is refilled, then one too small for the request is replaced.
        byte[] small = Pattern(3, 7);
        byte[] large = Pattern(9000, 11);
        Write(writer, small);
        Write(writer, large);
        Assert.Equal([.. small, .. large], writer.ToArray());

        writer.ReleaseBuffers();
        writer.Reset();
        Write(writer, small);
        Assert.Equal(small, writer.ToArray());
    }

    private static void Write(PooledBufferWriter writer, byte[] bytes)
    {
        Span<byte> span = writer.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        writer.Advance(bytes.Length);
    }

    private static byte[] Pattern(int length, int seed)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * seed);
        }

        return bytes;
    }
}
