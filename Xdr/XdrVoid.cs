namespace LibvirtRemote.Xdr;

/// <summary>The XDR <c>void</c>: an empty body. Lets generic call paths treat "no arguments" like any type.</summary>
public readonly struct XdrVoid : IXdrType<XdrVoid>
{
    /// <inheritdoc/>
    public static int MinEncodedSize => 0;

    /// <inheritdoc/>
    public static XdrVoid Decode(ref XdrReader reader) => default;

    /// <inheritdoc/>
    public void Encode(ref XdrWriter writer)
    {
    }
}
