namespace LibvirtRemote.Xdr;

/// <summary>
/// A type with an XDR encoding. Implemented by every generated protocol type; the static
/// <see cref="Decode"/> lets generic code (arrays, optionals, message bodies) decode without reflection.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IXdrType<TSelf>
    where TSelf : IXdrType<TSelf>
{
    /// <summary>Smallest number of bytes any value of this type occupies on the wire.</summary>
    static abstract int MinEncodedSize { get; }

    /// <summary>Appends this value's encoding.</summary>
    void Encode(ref XdrWriter writer);

    /// <summary>Reads one value.</summary>
    static abstract TSelf Decode(ref XdrReader reader);
}
