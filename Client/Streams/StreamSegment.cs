namespace LibvirtRemote.Client.Streams;

/// <summary>What <see cref="LibvirtStream.ReadSegmentAsync"/> found next in a stream.</summary>
public enum StreamSegmentKind
{
    /// <summary>Bytes were copied into the caller's buffer.</summary>
    Data,

    /// <summary>A hole (a run of zero bytes the server did not send) of <see cref="StreamSegment.Length"/> bytes.</summary>
    Hole,

    /// <summary>The server ended the stream; nothing more will come.</summary>
    End,
}

/// <summary>One step of a sparse-aware read: data, a hole, or the end.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Length">Bytes copied for <see cref="StreamSegmentKind.Data"/>, hole size for <see cref="StreamSegmentKind.Hole"/>, 0 at the end.</param>
public readonly record struct StreamSegment(StreamSegmentKind Kind, long Length);

/// <summary>A stream was aborted because its reader fell behind by more than <see cref="LibvirtStreamOptions.MaxBufferedBytes"/>.</summary>
public sealed class StreamBufferOverflowException : LibvirtClientException
{
    /// <summary>Creates the exception.</summary>
    public StreamBufferOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public StreamBufferOverflowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public StreamBufferOverflowException()
    {
    }
}
