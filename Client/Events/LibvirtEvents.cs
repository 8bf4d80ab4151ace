using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Events;

/// <summary>
/// Event subscriptions of one connection. Each method returns a lazy sequence: the callback is registered with the
/// server when enumeration starts and deregistered (best effort) when the consumer stops — by leaving the loop,
/// disposing the enumerator or cancelling. Events are queued per subscription (see
/// <see cref="EventSubscriptionOptions.Capacity"/> for what happens when a consumer falls behind). When the
/// connection ends, every enumeration throws <see cref="ConnectionLostException"/>.
/// Subscriptions with the same event ID and object filter share one server registration (libvirtd refuses a
/// duplicate on one connection); the server is told to deregister when the last of them stops.
/// </summary>
public sealed class LibvirtEvents
{
    private static readonly TimeSpan DeregisterTimeout = TimeSpan.FromSeconds(10);
    private readonly LibvirtConnection _connection;
    private readonly EventDispatcher _dispatcher;

    internal LibvirtEvents(LibvirtConnection connection, EventDispatcher dispatcher)
    {
        _connection = connection;
        _dispatcher = dispatcher;
    }

    /// <summary>
    /// Event messages that reached no subscription: for callbacks already deregistered, of kinds this client never
    /// registers, or of procedures it does not know. A diagnostic.
    /// </summary>
    public long UnroutedEvents => _dispatcher.UnroutedEvents;

    /// <summary>Domain lifecycle events (defined, started, suspended, ...) of one domain, or of all when <paramref name="domain"/> is null.</summary>
    /// <exception cref="NotSupportedException">The server lacks callback-style event registration (libvirt before 1.2.1).</exception>
    public IAsyncEnumerable<DomainLifecycleEvent> DomainLifecycleAsync(NonnullDomain? domain = null, EventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        Validate(options);
        return DomainCore(
            DomainEventId.Lifecycle,
            domain,
            options,
            static (_, message) =>
            {
                DomainEventLifecycleMsg body = ((DomainEventCallbackLifecycleMsg)message).Msg;
                return new DomainLifecycleEvent(body.Dom, body.Event, body.Detail);
            },
            cancellationToken);
    }

    /// <summary>
    /// Events of any domain event ID, as decoded messages, for one domain or all. Each <see cref="DomainEvent.Message"/>
    /// is the generated struct of the procedure the event arrived as.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eventId"/> is not a known event ID.</exception>
    /// <exception cref="NotSupportedException">The server lacks callback-style event registration.</exception>
    public IAsyncEnumerable<DomainEvent> DomainEventsAsync(DomainEventId eventId, NonnullDomain? domain = null, EventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateId((int)eventId, EventRoutes.DomainProcedures.Length, nameof(eventId));
        Validate(options);
        return DomainCore(eventId, domain, options, (procedure, message) => new DomainEvent(eventId, (Procedure)procedure, message), cancellationToken);
    }

    /// <summary>Network events of one kind (<see cref="NetworkLifecycleEvent"/> or <see cref="NetworkMetadataChangeEvent"/>), for one network or all.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eventId"/> is not a known event ID.</exception>
    /// <exception cref="NotSupportedException">The server lacks callback-style event registration.</exception>
    public IAsyncEnumerable<NetworkEvent> NetworkEventsAsync(NetworkEventId eventId = NetworkEventId.Lifecycle, NonnullNetwork? network = null, EventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateId((int)eventId, EventRoutes.NetworkProcedures.Length, nameof(eventId));
        Validate(options);
        var args = new ConnectNetworkEventRegisterAnyArgs { EventID = (int)eventId, Net = network };
        return SubscribeAsync<NetworkEvent>(
            EventKind.Network,
            (int)eventId,
            network is NonnullNetwork n ? Convert.ToHexString(n.Uuid) : string.Empty,
            options,
            static (_, message) => message switch
            {
                NetworkEventLifecycleMsg m => new NetworkLifecycleEvent(m.Net, m.Event, m.Detail),
                NetworkEventCallbackMetadataChangeMsg m => new NetworkMetadataChangeEvent(m.Net, m.Type, m.Nsuri),
                _ => throw Unexpected(message),
            },
            async () => (await _connection.CallAsync<ConnectNetworkEventRegisterAnyArgs, ConnectNetworkEventRegisterAnyRet>(
                Procedure.ConnectNetworkEventRegisterAny, args, CancellationToken.None).ConfigureAwait(false)).CallbackID,
            (id, ct) => _connection.CallAsync<ConnectNetworkEventDeregisterAnyArgs, XdrVoid>(
                Procedure.ConnectNetworkEventDeregisterAny, new ConnectNetworkEventDeregisterAnyArgs { CallbackID = id }, ct),
            cancellationToken);
    }

    /// <summary>Storage pool events of one kind (<see cref="StoragePoolLifecycleEvent"/> or <see cref="StoragePoolRefreshEvent"/>), for one pool or all.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eventId"/> is not a known event ID.</exception>
    /// <exception cref="NotSupportedException">The server lacks callback-style event registration.</exception>
    public IAsyncEnumerable<StoragePoolEvent> StoragePoolEventsAsync(StoragePoolEventId eventId = StoragePoolEventId.Lifecycle, NonnullStoragePool? pool = null, EventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateId((int)eventId, EventRoutes.StoragePoolProcedures.Length, nameof(eventId));
        Validate(options);
        var args = new ConnectStoragePoolEventRegisterAnyArgs { EventID = (int)eventId, Pool = pool };
        return SubscribeAsync<StoragePoolEvent>(
            EventKind.StoragePool,
            (int)eventId,
            pool is NonnullStoragePool p ? Convert.ToHexString(p.Uuid) : string.Empty,
            options,
            static (_, message) => message switch
            {
                StoragePoolEventLifecycleMsg m => new StoragePoolLifecycleEvent(m.Pool, m.Event, m.Detail),
                StoragePoolEventRefreshMsg m => new StoragePoolRefreshEvent(m.Pool),
                _ => throw Unexpected(message),
            },
            async () => (await _connection.CallAsync<ConnectStoragePoolEventRegisterAnyArgs, ConnectStoragePoolEventRegisterAnyRet>(
                Procedure.ConnectStoragePoolEventRegisterAny, args, CancellationToken.None).ConfigureAwait(false)).CallbackID,
            (id, ct) => _connection.CallAsync<ConnectStoragePoolEventDeregisterAnyArgs, XdrVoid>(
                Procedure.ConnectStoragePoolEventDeregisterAny, new ConnectStoragePoolEventDeregisterAnyArgs { CallbackID = id }, ct),
            cancellationToken);
    }

    /// <summary>Node device events of one kind (<see cref="NodeDeviceLifecycleEvent"/> or <see cref="NodeDeviceUpdateEvent"/>), for one device or all.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eventId"/> is not a known event ID.</exception>
    /// <exception cref="NotSupportedException">The server lacks callback-style event registration.</exception>
    public IAsyncEnumerable<NodeDeviceEvent> NodeDeviceEventsAsync(NodeDeviceEventId eventId = NodeDeviceEventId.Lifecycle, NonnullNodeDevice? device = null, EventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateId((int)eventId, EventRoutes.NodeDeviceProcedures.Length, nameof(eventId));
        Validate(options);
        var args = new ConnectNodeDeviceEventRegisterAnyArgs { EventID = (int)eventId, Dev = device };
        return SubscribeAsync<NodeDeviceEvent>(
            EventKind.NodeDevice,
            (int)eventId,
            device?.Name ?? string.Empty,
            options,
            static (_, message) => message switch
            {
                NodeDeviceEventLifecycleMsg m => new NodeDeviceLifecycleEvent(m.Dev, m.Event, m.Detail),
                NodeDeviceEventUpdateMsg m => new NodeDeviceUpdateEvent(m.Dev),
                _ => throw Unexpected(message),
            },
            async () => (await _connection.CallAsync<ConnectNodeDeviceEventRegisterAnyArgs, ConnectNodeDeviceEventRegisterAnyRet>(
                Procedure.ConnectNodeDeviceEventRegisterAny, args, CancellationToken.None).ConfigureAwait(false)).CallbackID,
            (id, ct) => _connection.CallAsync<ConnectNodeDeviceEventDeregisterAnyArgs, XdrVoid>(
                Procedure.ConnectNodeDeviceEventDeregisterAny, new ConnectNodeDeviceEventDeregisterAnyArgs { CallbackID = id }, ct),
            cancellationToken);
    }

    /// <summary>Secret events of one kind (<see cref="SecretLifecycleEvent"/> or <see cref="SecretValueChangedEvent"/>), for one secret or all.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eventId"/> is not a known event ID.</exception>
    /// <exception cref="NotSupportedException">The server lacks callback-style event registration.</exception>
    public IAsyncEnumerable<SecretEvent> SecretEventsAsync(SecretEventId eventId = SecretEventId.Lifecycle, NonnullSecret? secret = null, EventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateId((int)eventId, EventRoutes.SecretProcedures.Length, nameof(eventId));
        Validate(options);
        var args = new ConnectSecretEventRegisterAnyArgs { EventID = (int)eventId, Secret = secret };
        return SubscribeAsync<SecretEvent>(
            EventKind.Secret,
            (int)eventId,
            secret is NonnullSecret x ? Convert.ToHexString(x.Uuid) : string.Empty,
            options,
            static (_, message) => message switch
            {
                SecretEventLifecycleMsg m => new SecretLifecycleEvent(m.Secret, m.Event, m.Detail),
                SecretEventValueChangedMsg m => new SecretValueChangedEvent(m.Secret),
                _ => throw Unexpected(message),
            },
            async () => (await _connection.CallAsync<ConnectSecretEventRegisterAnyArgs, ConnectSecretEventRegisterAnyRet>(
                Procedure.ConnectSecretEventRegisterAny, args, CancellationToken.None).ConfigureAwait(false)).CallbackID,
            (id, ct) => _connection.CallAsync<ConnectSecretEventDeregisterAnyArgs, XdrVoid>(
                Procedure.ConnectSecretEventDeregisterAny, new ConnectSecretEventDeregisterAnyArgs { CallbackID = id }, ct),
            cancellationToken);
    }

    /// <summary>
    /// QEMU monitor (QMP) events of one domain or all (qemu driver only), like virConnectDomainQemuMonitorEventRegister.
    /// </summary>
    /// <param name="domain">The domain, or null for all.</param>
    /// <param name="eventName">The QMP event name to match, or null for all events.</param>
    /// <param name="flags">virConnectDomainQemuMonitorEventRegisterFlags: 1 regex, 2 case-insensitive.</param>
    /// <param name="options">Queueing options.</param>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    public IAsyncEnumerable<QemuMonitorEvent> QemuMonitorEventsAsync(NonnullDomain? domain = null, string? eventName = null, uint flags = 0, EventSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        Validate(options, needsCallbacks: false);
        var args = new QemuConnectDomainMonitorEventRegisterArgs { Dom = domain, Event = eventName, Flags = flags };
        return SubscribeAsync(
            EventKind.QemuMonitor,
            0,
            $"{(domain is NonnullDomain d ? Convert.ToHexString(d.Uuid) : string.Empty)}/{eventName}/{flags}",
            options,
            static (_, message) =>
            {
                var m = (QemuDomainMonitorEventMsg)message;
                return new QemuMonitorEvent(m.Dom, m.Event, m.Seconds, m.Micros, m.Details);
            },
            async () => (await CallQemuAsync<QemuConnectDomainMonitorEventRegisterArgs, QemuConnectDomainMonitorEventRegisterRet>(
                QemuProcedure.ConnectDomainMonitorEventRegister, args, CancellationToken.None).ConfigureAwait(false)).CallbackID,
            (id, ct) => CallQemuAsync<QemuConnectDomainMonitorEventDeregisterArgs, XdrVoid>(
                QemuProcedure.ConnectDomainMonitorEventDeregister, new QemuConnectDomainMonitorEventDeregisterArgs { CallbackID = id }, ct),
            cancellationToken);
    }

    private void Validate(EventSubscriptionOptions? options, bool needsCallbacks = true)
    {
        if (needsCallbacks && !_connection.SupportsEventCallbacks)
        {
            throw new NotSupportedException("The server does not support callback-style event registration (libvirt 1.2.1 or later)");
        }

        if (options is not null)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Capacity, nameof(options));
        }
    }

    private static void ValidateId(int eventId, int count, string name)
    {
        if (eventId < 0 || eventId >= count)
        {
            throw new ArgumentOutOfRangeException(name, eventId, $"Known event IDs are 0 to {count - 1}");
        }
    }

    private static LibvirtProtocolException Unexpected(object message)
        => new($"Unexpected event body {message.GetType().Name}");

    private IAsyncEnumerable<T> DomainCore<T>(DomainEventId eventId, NonnullDomain? domain, EventSubscriptionOptions? options, Func<int, object, T> convert, CancellationToken cancellationToken)
    {
        var args = new ConnectDomainEventCallbackRegisterAnyArgs { EventID = (int)eventId, Dom = domain };
        return SubscribeAsync(
            EventKind.Domain,
            (int)eventId,
            domain is NonnullDomain d ? Convert.ToHexString(d.Uuid) : string.Empty,
            options,
            convert,
            async () => (await _connection.CallAsync<ConnectDomainEventCallbackRegisterAnyArgs, ConnectDomainEventCallbackRegisterAnyRet>(
                Procedure.ConnectDomainEventCallbackRegisterAny, args, CancellationToken.None).ConfigureAwait(false)).CallbackID,
            (id, ct) => _connection.CallAsync<ConnectDomainEventCallbackDeregisterAnyArgs, XdrVoid>(
                Procedure.ConnectDomainEventCallbackDeregisterAny, new ConnectDomainEventCallbackDeregisterAnyArgs { CallbackID = id }, ct),
            cancellationToken);
    }

    private ValueTask<TRet> CallQemuAsync<TArgs, TRet>(QemuProcedure procedure, TArgs args, CancellationToken cancellationToken)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
        => _connection.Rpc.CallAsync<TArgs, TRet>((uint)QemuProtocol.QemuProgram, (uint)QemuProtocol.QemuProtocolVersion, (int)procedure, args, cancellationToken);

    private async IAsyncEnumerable<T> SubscribeAsync<T>(
        EventKind kind,
        int eventId,
        string filter,
        EventSubscriptionOptions? options,
        Func<int, object, T> convert,
        Func<Task<int>> register,
        Func<int, CancellationToken, ValueTask<XdrVoid>> deregister,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscription = new EventSubscription<T>(kind, eventId, options?.Capacity ?? EventSubscriptionOptions.DefaultCapacity, convert);
        await _dispatcher.SubscribeAsync(subscription, filter, register, id => DeregisterQuietlyAsync(deregister, id), cancellationToken).ConfigureAwait(false);
        try
        {
            options?.Registered?.Invoke(subscription.CallbackId);
            ChannelReader<T> reader = subscription.Reader;

            // The queue only ever completes with an error (overflow, connection lost), which this await rethrows.
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out T? item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            await _dispatcher.UnsubscribeAsync(subscription).ConfigureAwait(false);
        }
    }

    private async Task DeregisterQuietlyAsync(Func<int, CancellationToken, ValueTask<XdrVoid>> deregister, int callbackId)
    {
        if (_connection.Rpc.Failure is not null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(DeregisterTimeout);
            await deregister(callbackId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LibvirtClientException or OperationCanceledException)
        {
            // Best effort: events the server still sends for this ID are dropped as unrouted.
        }
    }
}
