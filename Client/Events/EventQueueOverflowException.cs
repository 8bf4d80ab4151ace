namespace LibvirtRemote.Client.Events;

/// <summary>
/// A subscription's queue filled up because its consumer fell behind, so later events were lost. The subscription
/// ends with this exception once the consumer has read the events that were queued; subscribe again to resume.
/// </summary>
public sealed class EventQueueOverflowException : LibvirtClientException
{
    /// <summary>Creates the exception.</summary>
    public EventQueueOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public EventQueueOverflowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public EventQueueOverflowException()
        : base("The event queue overflowed; events were lost")
    {
    }
}
