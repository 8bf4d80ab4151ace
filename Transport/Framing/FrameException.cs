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

    /// <summary>Creates the exception with a generic message.</summary>
    public FrameException()
        : base("Invalid frame")
    {
    }
}
