using LibvirtRemote.Xdr;

namespace LibvirtRemote.Protocol;

/// <summary>Decodes a message body into a boxed value (for generic tooling: tests, fuzzers, tracing).</summary>
public delegate object BoxedDecoder(ref XdrReader reader);

/// <summary>Encodes a boxed message body.</summary>
public delegate void BoxedEncoder(ref XdrWriter writer, object value);

/// <summary>
/// Describes one generated XDR type by its .x name, with boxed codecs. Typed code calls
/// <c>T.Decode</c>/<c>Encode</c> directly; this is for code that only knows a procedure number.
/// </summary>
public sealed class XdrTypeInfo
{
    private XdrTypeInfo(string xdrName, Type clrType, int minEncodedSize, BoxedDecoder decode, BoxedEncoder encode)
    {
        XdrName = xdrName;
        ClrType = clrType;
        MinEncodedSize = minEncodedSize;
        Decode = decode;
        Encode = encode;
    }

    /// <summary>The name in the .x file, e.g. <c>remote_domain_get_info_ret</c>.</summary>
    public string XdrName { get; }

    /// <summary>The generated .NET type.</summary>
    public Type ClrType { get; }

    /// <summary>Smallest encoding in bytes.</summary>
    public int MinEncodedSize { get; }

    /// <summary>Reads one value, boxed.</summary>
    public BoxedDecoder Decode { get; }

    /// <summary>Writes a boxed value of <see cref="ClrType"/>.</summary>
    public BoxedEncoder Encode { get; }

    /// <summary>Describes <typeparamref name="T"/>.</summary>
    public static XdrTypeInfo Create<T>(string xdrName)
        where T : IXdrType<T>
        => new(
            xdrName,
            typeof(T),
            T.MinEncodedSize,
            static (ref XdrReader reader) => T.Decode(ref reader),
            static (ref XdrWriter writer, object value) => ((T)value).Encode(ref writer));

    /// <inheritdoc/>
    public override string ToString() => XdrName;
}
