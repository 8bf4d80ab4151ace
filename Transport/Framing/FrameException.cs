namespace LibvirtRemote.Transport.Framing;

/// <summary>
/// The byte stream is not a valid sequence of frames. The connection it came from cannot be resynchronised
/// and must be closed.
/// </summary>
public sealed class FrameException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FrameException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public FrameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The peer closed the stream part-way through a frame: the bytes so far were valid, the connection was cut (a
    /// killed or reset peer), so callers may report it as a lost connection rather than a protocol violation.
    /// </summary>
    public bool EndedInsideFrame { get; init; }

    /// <summary>Creates the exception with a generic message.</summary>
    public FrameException()
        : base("Invalid frame")
    {
    }
}
