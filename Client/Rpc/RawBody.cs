using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Rpc;

/// <summary>A message body that is already bytes (stream data); written as is, without length or padding.</summary>
internal readonly struct RawBody(ReadOnlyMemory<byte> bytes) : IXdrType<RawBody>
{
    public ReadOnlyMemory<byte> Bytes => bytes;

    public static int MinEncodedSize => 0;

    public static RawBody Decode(ref XdrReader reader) => throw new NotSupportedException("Raw bodies are only written");

    public void Encode(ref XdrWriter writer) => writer.WriteRaw(Bytes.Span);
}
