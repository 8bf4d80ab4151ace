using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Transport.Framing;

/// <summary>
/// One received message: its header, its body and, for the *_WITH_FDS types, the number of file
/// descriptors that travel beside it. <see cref="Body"/> points into the reader's buffer and is valid only
/// until the reader is asked for the next frame.
/// </summary>
public readonly struct Frame
{
    /// <summary>Creates a frame.</summary>
    public Frame(VirNetMessageHeader header, ReadOnlySequence<byte> body, int fdCount)
    {
        Header = header;
        Body = body;
        FdCount = fdCount;
    }

    /// <summary>The RPC header.</summary>
    public VirNetMessageHeader Header { get; }

    /// <summary>The body after the header (and after the fd count word, when there is one).</summary>
    public ReadOnlySequence<byte> Body { get; }

    /// <summary>Number of descriptors announced by a CALL_WITH_FDS / REPLY_WITH_FDS message, else 0.</summary>
    public int FdCount { get; }

    /// <summary>Decodes the whole body as <typeparamref name="T"/>; bytes left over are an error.</summary>
    public T DecodeBody<T>()
        where T : IXdrType<T>
    {
        var reader = new XdrReader(Body);
        T value = T.Decode(ref reader);
        reader.EnsureEnd();
        return value;
    }
}
