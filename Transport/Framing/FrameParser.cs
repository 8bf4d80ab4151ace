using System.Buffers;
using System.Buffers.Binary;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Transport.Framing;

/// <summary>Finds frames in buffered bytes. Pure and synchronous: the caller owns the buffer.</summary>
public static class FrameParser
{
    /// <summary>
    /// Takes one frame from the front of <paramref name="buffer"/>. Returns <see cref="OperationStatus.Done"/>
    /// and moves <paramref name="buffer"/> past the frame, or <see cref="OperationStatus.NeedMoreData"/> and
    /// leaves it untouched. The length word is checked before the body is awaited, so a hostile length never
    /// makes the caller buffer more than <see cref="FrameLimits.MaxMessageSize"/> bytes. A CALL_WITH_FDS or
    /// REPLY_WITH_FDS frame with N descriptors also takes the N dummy bytes that follow it (their value is
    /// ignored); the descriptors themselves come from the transport (<c>IFdTransport</c>).
    /// </summary>
    /// <exception cref="FrameException">The length word or header is invalid.</exception>
    public static OperationStatus TryParse(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        if (buffer.Length < FrameLimits.LengthWordSize)
        {
            return OperationStatus.NeedMoreData;
        }

        uint length = ReadLength(buffer);
        if (length < FrameLimits.MinFrameSize)
        {
            throw new FrameException($"Frame length {length} is shorter than the {FrameLimits.MinFrameSize}-byte minimum");
        }

        if (length - FrameLimits.LengthWordSize > FrameLimits.MaxMessageSize)
        {
            throw new FrameException($"Frame length {length} exceeds the {FrameLimits.MaxMessageSize}-byte maximum");
        }

        if (buffer.Length < length)
        {
            return OperationStatus.NeedMoreData;
        }

        ReadOnlySequence<byte> message = buffer.Slice(FrameLimits.LengthWordSize, length - FrameLimits.LengthWordSize);
        var reader = new XdrReader(message.Slice(0, FrameLimits.HeaderSize));
        VirNetMessageHeader header = VirNetMessageHeader.Decode(ref reader);
        ReadOnlySequence<byte> body = message.Slice(FrameLimits.HeaderSize);
        int fdCount = 0;
        if (header.Type is VirNetMessageType.CallWithFds or VirNetMessageType.ReplyWithFds)
        {
            if (body.Length < 4)
            {
                throw new FrameException($"{header.Type} message has no descriptor count");
            }

            uint count = ReadLength(body);
            if (count > FrameLimits.MaxFds)
            {
                throw new FrameException($"{count} file descriptors exceed the maximum of {FrameLimits.MaxFds}");
            }

            fdCount = (int)count;
            body = body.Slice(4);

            // Each descriptor rides on one dummy byte sent after the message and not counted in its length.
            // The frame is complete only once those bytes are in, so their descriptors have arrived too.
            if (buffer.Length < length + count)
            {
                return OperationStatus.NeedMoreData;
            }
        }

        frame = new Frame(header, body, fdCount);
        buffer = buffer.Slice(length + (uint)fdCount);
        return OperationStatus.Done;
    }

    private static uint ReadLength(in ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= 4)
        {
            return BinaryPrimitives.ReadUInt32BigEndian(first);
        }

        Span<byte> word = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(word);
        return BinaryPrimitives.ReadUInt32BigEndian(word);
    }
}
