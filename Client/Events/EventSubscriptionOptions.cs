namespace LibvirtRemote.Client.Events;

/// <summary>How one event subscription queues its events.</summary>
public sealed class EventSubscriptionOptions
{
    /// <summary>The default <see cref="Capacity"/>.</summary>
    public const int DefaultCapacity = 1024;

    /// <summary>
    /// Events held for a consumer that has not read them yet. The connection's read loop never waits for a
    /// consumer: when the queue is full the subscription is ended with <see cref="EventQueueOverflowException"/>
    /// (after the queued events), so a slow consumer learns that it lost events instead of missing them silently.
    /// </summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>
    /// Called with the server's callback ID (shared by subscriptions with the same event ID and filter) once the
    /// server has registered the subscription, before the first event is awaited. Events caused after this point are guaranteed to be delivered; events caused earlier may
    /// or may not be.
    /// </summary>
    public Action<int>? Registered { get; init; }
}
