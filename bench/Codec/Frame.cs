using System.Buffers;
using System.Buffers.Binary;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Bench.Codec;

/// <summary>Whole RPC frames as libvirt sends them: 4-byte length word (counting itself), 24-byte header, body.</summary>
public static class Frame
{
    /// <summary>Writes one frame; the length word is reserved first and filled in at the end.</summary>
    public static long Write<T>(IBufferWriter<byte> output, in VirNetMessageHeader header, in T body)
        where T : struct, IXdrType<T>
    {
        var writer = new XdrWriter(output);
        Span<byte> length = writer.Reserve(4);
        header.Encode(ref writer);
        body.Encode(ref writer);
        BinaryPrimitives.WriteUInt32BigEndian(length, checked((uint)writer.BytesWritten));
        writer.Flush();
        return writer.BytesWritten;
    }

    /// <summary>Reads one frame from contiguous bytes, checking the length word and that nothing trails.</summary>
    public static T Read<T>(ReadOnlySpan<byte> frame, out VirNetMessageHeader header)
        where T : struct, IXdrType<T>
    {
        var reader = new XdrReader(frame);
        uint length = reader.ReadUInt32();
        if (length != (uint)frame.Length)
        {
            throw new InvalidDataException($"Length word {length} does not match the frame of {frame.Length} bytes");
        }

        header = VirNetMessageHeader.Decode(ref reader);
        T body = T.Decode(ref reader);
        reader.EnsureEnd();
        return body;
    }

    /// <summary>A reply header for <paramref name="procedure"/> of the remote program.</summary>
    public static VirNetMessageHeader ReplyHeader(Procedure procedure, uint serial) => new()
    {
        Prog = RemoteProtocol.RemoteProgram,
        Vers = RemoteProtocol.RemoteProtocolVersion,
        Proc = (int)procedure,
        Type = VirNetMessageType.Reply,
        Serial = serial,
        Status = VirNetMessageStatus.Ok,
    };

    /// <summary>Encodes a body alone into a new array (setup only).</summary>
    public static byte[] EncodeBody<T>(in T body)
        where T : struct, IXdrType<T>
    {
        using var output = new PooledBufferWriter();
        var writer = new XdrWriter(output);
        body.Encode(ref writer);
        writer.Flush();
        return output.ToArray();
    }
}
