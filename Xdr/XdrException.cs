namespace LibvirtRemote.Xdr;

/// <summary>
/// Raised when bytes are not a valid encoding of the expected XDR type, or a value cannot be encoded
/// within the limits its definition declares. It never leaves the decoder in a state that matters:
/// the caller discards the message (and, for framing errors, the connection).
/// </summary>
public sealed class XdrException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    /// <param name="kind">What was wrong.</param>
    /// <param name="message">Human-readable detail.</param>
    /// <param name="position">Byte offset in the input where the problem was found, or -1 when unknown.</param>
    public XdrException(XdrErrorKind kind, string message, long position = -1)
        : base(position >= 0 ? $"{message} (at byte {position})" : message)
    {
        Kind = kind;
        Position = position;
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public XdrException()
        : this(XdrErrorKind.Truncated, "Invalid XDR data")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public XdrException(string message)
        : this(XdrErrorKind.Truncated, message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public XdrException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = XdrErrorKind.Truncated;
        Position = -1;
    }

    /// <summary>What was wrong.</summary>
    public XdrErrorKind Kind { get; }

    /// <summary>Byte offset in the input where the problem was found, or -1 when unknown.</summary>
    public long Position { get; }
}
