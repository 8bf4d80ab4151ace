using System.Buffers;
using System.Buffers.Binary;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Transport.Framing;

/// <summary>
/// Appends complete frames to an output. Several frames may be written back to back and sent with one
/// flush. The length word is reserved first and filled in last, so the output must keep memory it has
/// handed out in place until it is flushed: <see cref="System.IO.Pipelines.PipeWriter"/> and
/// <see cref="PooledBufferWriter"/> do, <see cref="ArrayBufferWriter{T}"/> does not.
/// </summary>
public static class FrameWriter
{
    /// <summary>Writes a frame whose body is one XDR value.</summary>
    /// <exception cref="FrameException">The message exceeds <see cref="FrameLimits.MaxMessageSize"/>; the output then holds a partial frame and must be discarded.</exception>
    public static long Write<TBody>(IBufferWriter<byte> output, in VirNetMessageHeader header, in TBody body)
        where TBody : IXdrType<TBody>
    {
        var writer = new XdrWriter(output);
        Span<byte> length = writer.Reserve(FrameLimits.LengthWordSize);
        header.Encode(ref writer);
        body.Encode(ref writer);
        return Finish(ref writer, length);
    }

    /// <summary>Writes a frame with an empty body.</summary>
    public static long Write(IBufferWriter<byte> output, in VirNetMessageHeader header)
        => Write(output, header, ReadOnlySpan<byte>.Empty);

    /// <summary>Writes a frame whose body is raw bytes (stream data, or a body encoded elsewhere).</summary>
    public static long Write(IBufferWriter<byte> output, in VirNetMessageHeader header, ReadOnlySpan<byte> body)
    {
        var writer = new XdrWriter(output);
        Span<byte> length = writer.Reserve(FrameLimits.LengthWordSize);
        header.Encode(ref writer);
        writer.WriteRaw(body);
        return Finish(ref writer, length);
    }

    /// <summary>Writes a *_WITH_FDS frame: the descriptor count word, then the body.</summary>
    public static long WriteWithFds<TBody>(IBufferWriter<byte> output, in VirNetMessageHeader header, int fdCount, in TBody body)
        where TBody : IXdrType<TBody>
    {
        if ((uint)fdCount > FrameLimits.MaxFds)
        {
            throw new ArgumentOutOfRangeException(nameof(fdCount), $"At most {FrameLimits.MaxFds} descriptors fit in one message");
        }

        var writer = new XdrWriter(output);
        Span<byte> length = writer.Reserve(FrameLimits.LengthWordSize);
        header.Encode(ref writer);
        writer.WriteUInt32((uint)fdCount);
        body.Encode(ref writer);
        return Finish(ref writer, length);
    }

    private static long Finish(ref XdrWriter writer, Span<byte> length)
    {
        long total = writer.BytesWritten;
        if (total - FrameLimits.LengthWordSize > FrameLimits.MaxMessageSize)
        {
            writer.Flush();
            throw new FrameException($"Message of {total - FrameLimits.LengthWordSize} bytes exceeds the {FrameLimits.MaxMessageSize}-byte maximum");
        }

        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)total);
        writer.Flush();
        return total;
    }
}
