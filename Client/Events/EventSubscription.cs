using System.Threading.Channels;

namespace LibvirtRemote.Client.Events;

/// <summary>One registered callback on the server and the queue its events wait in.</summary>
internal abstract class EventSubscription
{
    protected EventSubscription(EventKind kind, int eventId)
    {
        Kind = kind;
        EventId = eventId;
    }

    public EventKind Kind { get; }

    public int EventId { get; }

    /// <summary>The server registration this subscription shares.</summary>
    public ServerRegistration? Registration { get; set; }

    /// <summary>The server's ID, known once registration has been answered.</summary>
    public int CallbackId => Registration?.CallbackId ?? -1;

    /// <summary>Queues one decoded event. Never blocks; false when the queue overflowed and the subscription ended.</summary>
    public abstract bool TryDeliver(int procedure, object message);

    /// <summary>Ends the subscription with an error, after whatever is still queued.</summary>
    public abstract void Fail(Exception error);
}

/// <summary>A subscription whose events are converted to <typeparamref name="T"/> as they arrive.</summary>
internal sealed class EventSubscription<T> : EventSubscription
{
    private readonly Channel<T> _queue;
    private readonly Func<int, object, T> _convert;
    private readonly int _capacity;

    public EventSubscription(EventKind kind, int eventId, int capacity, Func<int, object, T> convert)
        : base(kind, eventId)
    {
        _capacity = capacity;
        _convert = convert;

        // Wait mode only makes TryWrite fail when full; nothing ever waits to write.
        _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
        });
    }

    public ChannelReader<T> Reader => _queue.Reader;

    public override bool TryDeliver(int procedure, object message)
    {
        if (_queue.Writer.TryWrite(_convert(procedure, message)))
        {
            return true;
        }

        Fail(new EventQueueOverflowException(
            $"More than {_capacity} events were waiting for the consumer of callback {CallbackId}; later events were dropped and the subscription ended"));
        return false;
    }

    public override void Fail(Exception error) => _queue.Writer.TryComplete(error);
}
