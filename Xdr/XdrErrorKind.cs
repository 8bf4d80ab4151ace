namespace LibvirtRemote.Xdr;

/// <summary>Why an XDR item could not be decoded or encoded.</summary>
public enum XdrErrorKind
{
    /// <summary>The input ended before the item did.</summary>
    Truncated = 1,

    /// <summary>A length or count is larger than the maximum the definition declares.</summary>
    LengthExceedsMaximum,

    /// <summary>A union discriminant names no arm and the union has no default arm.</summary>
    InvalidDiscriminant,

    /// <summary>Padding after an opaque or string holds a non-zero byte (only checked in strict mode).</summary>
    NonZeroPadding,

    /// <summary>Bytes remain after the last item of a message body.</summary>
    TrailingBytes,

    /// <summary>A boolean or optional-data flag is neither 0 nor 1.</summary>
    InvalidBoolean,

    /// <summary>A fixed-length item was given a value of another length when encoding.</summary>
    FixedLengthMismatch,
}
