namespace LibvirtRemote.Client.Events;

/// <summary>
/// One callback registered on the server, shared by every local subscription with the same family, event ID and
/// object filter: libvirtd refuses a second identical registration on one connection ("event callback already
/// tracked"), so, like libvirt's own client, this client registers once and fans events out.
/// </summary>
internal sealed class ServerRegistration(EventKind kind, int eventId, string filter, Func<int, Task> deregister)
{
    private readonly TaskCompletionSource<int> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventKind Kind { get; } = kind;

    public int EventId { get; } = eventId;

    /// <summary>The object the server filters on (UUID or name), empty for all objects.</summary>
    public string Filter { get; } = filter;

    /// <summary>Sends DEREGISTER for this registration's callback ID, best effort.</summary>
    public Func<int, Task> Deregister { get; } = deregister;

    /// <summary>The server's callback ID, or -1 until the registration is answered.</summary>
    public int CallbackId { get; set; } = -1;

    /// <summary>Local subscriptions sharing this registration; guarded by the dispatcher's lock.</summary>
    public List<EventSubscription> Subscribers { get; } = [];

    /// <summary>True once the last subscriber left while the registration was still in flight.</summary>
    public bool Abandoned { get; set; }

    /// <summary>Completes with the callback ID once the server has answered.</summary>
    public Task<int> Registered => _registered.Task;

    public (EventKind Kind, int EventId, string Filter) Key => (Kind, EventId, Filter);

    public void Complete(int callbackId) => _registered.TrySetResult(callbackId);

    public void Fail(Exception error) => _registered.TrySetException(error);
}
