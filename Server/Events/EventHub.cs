using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Connections;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Events;

/// <summary>
/// Fans events out to the clients that registered for them. A publisher encodes the event once, in its callback
/// form (a message struct whose first field is the callback ID); each subscriber gets those bytes with its own
/// callback ID in front (or, for old-style domain registrations, without one).
/// </summary>
/// <remarks>
/// Delivery policy: events join the client's output queue in publication order. A client that stops reading lets
/// that queue grow only up to <see cref="ServerOptions.MaxOutputBacklog"/>; past it the client is disconnected, so a
/// client either receives every event or loses its connection, never a silent gap.
/// </remarks>
public sealed class EventHub
{
    private readonly Lock _gate = new();
    private EventSubscription[] _subscriptions = [];
    private int _nextCallbackId;

    internal EventHub()
    {
    }

    /// <summary>Number of registrations across all clients.</summary>
    public int Count => Volatile.Read(ref _subscriptions).Length;

    /// <summary>Publishes a domain event to clients registered for <paramref name="eventId"/> on any domain or this one.</summary>
    /// <param name="eventId">libvirt's domain event ID (<c>VIR_DOMAIN_EVENT_ID_*</c>).</param>
    /// <param name="domainUuid">The domain the event is about.</param>
    /// <param name="message">The callback-form message; its callback ID field is overwritten per client.</param>
    public void PublishDomainEvent<TMsg>(int eventId, ReadOnlySpan<byte> domainUuid, in TMsg message)
        where TMsg : IXdrType<TMsg>
    {
        if ((uint)eventId >= (uint)EventProcedures.Domain.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(eventId));
        }

        Publish(EventFamily.Domain, eventId, Convert.ToHexString(domainUuid), (uint)RemoteProtocol.RemoteProgram, (int)EventProcedures.Domain[eventId], message);
    }

    /// <summary>Publishes a network event (<c>VIR_NETWORK_EVENT_ID_*</c>).</summary>
    public void PublishNetworkEvent<TMsg>(int eventId, ReadOnlySpan<byte> networkUuid, in TMsg message)
        where TMsg : IXdrType<TMsg>
        => Publish(EventFamily.Network, eventId, Convert.ToHexString(networkUuid), (uint)RemoteProtocol.RemoteProgram, (int)EventProcedures.Network[eventId], message);

    /// <summary>Publishes a storage pool event (<c>VIR_STORAGE_POOL_EVENT_ID_*</c>).</summary>
    public void PublishStoragePoolEvent<TMsg>(int eventId, ReadOnlySpan<byte> poolUuid, in TMsg message)
        where TMsg : IXdrType<TMsg>
        => Publish(EventFamily.StoragePool, eventId, Convert.ToHexString(poolUuid), (uint)RemoteProtocol.RemoteProgram, (int)EventProcedures.StoragePool[eventId], message);

    /// <summary>Publishes a node device event (<c>VIR_NODE_DEVICE_EVENT_ID_*</c>).</summary>
    public void PublishNodeDeviceEvent<TMsg>(int eventId, string deviceName, in TMsg message)
        where TMsg : IXdrType<TMsg>
        => Publish(EventFamily.NodeDevice, eventId, deviceName, (uint)RemoteProtocol.RemoteProgram, (int)EventProcedures.NodeDevice[eventId], message);

    /// <summary>Publishes a secret event (<c>VIR_SECRET_EVENT_ID_*</c>).</summary>
    public void PublishSecretEvent<TMsg>(int eventId, ReadOnlySpan<byte> secretUuid, in TMsg message)
        where TMsg : IXdrType<TMsg>
        => Publish(EventFamily.Secret, eventId, Convert.ToHexString(secretUuid), (uint)RemoteProtocol.RemoteProgram, (int)EventProcedures.Secret[eventId], message);

    /// <summary>
    /// Publishes a QEMU monitor event to clients of the qemu program registered for it (all events, this event name,
    /// or a pattern when they registered with the regex flag; case-insensitively with the nocase flag).
    /// </summary>
    public void PublishQemuMonitorEvent(in QemuDomainMonitorEventMsg message)
    {
        EventSubscription[] subscriptions = Volatile.Read(ref _subscriptions);
        if (subscriptions.Length == 0)
        {
            return;
        }

        string key = Convert.ToHexString(message.Dom.Uuid);
        string name = message.Event;
        var header = new VirNetMessageHeader { Prog = (uint)QemuProtocol.QemuProgram, Vers = 1, Proc = (int)QemuProcedure.DomainMonitorEvent, Type = VirNetMessageType.Message, Serial = 1, Status = VirNetMessageStatus.Ok };
        foreach (EventSubscription subscription in subscriptions)
        {
            if (subscription.Family != EventFamily.QemuMonitor
                || (subscription.Key is not null && !string.Equals(subscription.Key, key, StringComparison.OrdinalIgnoreCase))
                || !QemuEventMatches(subscription, name))
            {
                continue;
            }

            QemuDomainMonitorEventMsg copy = message;
            copy.CallbackID = subscription.CallbackId;
            subscription.Client.Outbox.TrySend(header, copy);
            subscription.Client.CheckBacklog();
        }
    }

    /// <summary>
    /// Starts the callback IDs from 0 again, as a hypervisor driver that was discarded and created anew counts them.
    /// </summary>
    public void RestartCallbackIds() => Interlocked.Exchange(ref _nextCallbackId, 0);

    /// <summary>The next callback ID: one sequence for every family and client, from 0, as libvirtd's driver counts.</summary>
    internal int NextCallbackId() => Interlocked.Increment(ref _nextCallbackId) - 1;

    /// <summary>
    /// Adds the registration <paramref name="create"/> makes, with the next callback ID, unless one already there
    /// <paramref name="conflicts"/>; the check and the add are one step, so two identical registrations arriving at
    /// once cannot both get in.
    /// </summary>
    internal bool TryAdd(Func<int, EventSubscription> create, Func<EventSubscription, bool> conflicts, out int callbackId)
    {
        lock (_gate)
        {
            if (Array.Exists(_subscriptions, s => conflicts(s)))
            {
                callbackId = -1;
                return false;
            }

            callbackId = NextCallbackId();
            _subscriptions = [.. _subscriptions, create(callbackId)];
            return true;
        }
    }

    internal void Add(EventSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
    }

    internal bool Remove(Func<EventSubscription, bool> match)
    {
        lock (_gate)
        {
            EventSubscription[] kept = [.. _subscriptions.Where(s => !match(s))];
            bool removed = kept.Length != _subscriptions.Length;
            _subscriptions = kept;
            return removed;
        }
    }

    /// <summary>Removes only the earliest registration that matches.</summary>
    internal bool RemoveFirst(Func<EventSubscription, bool> match)
    {
        lock (_gate)
        {
            int index = Array.FindIndex(_subscriptions, s => match(s));
            if (index < 0)
            {
                return false;
            }

            _subscriptions = [.. _subscriptions.Take(index), .. _subscriptions.Skip(index + 1)];
            return true;
        }
    }

    internal EventSubscription? Find(Func<EventSubscription, bool> match) => Volatile.Read(ref _subscriptions).FirstOrDefault(match);

    internal void RemoveClient(ClientConnection client) => Remove(s => ReferenceEquals(s.Client, client));

    private static bool QemuEventMatches(EventSubscription subscription, string name)
    {
        const uint Regex = 1;
        const uint NoCase = 2;
        if (subscription.QemuEvent is null)
        {
            return true;
        }

        bool noCase = (subscription.QemuFlags & NoCase) != 0;
        if ((subscription.QemuFlags & Regex) != 0)
        {
            var options = System.Text.RegularExpressions.RegexOptions.CultureInvariant | (noCase ? System.Text.RegularExpressions.RegexOptions.IgnoreCase : 0);
            return System.Text.RegularExpressions.Regex.IsMatch(name, subscription.QemuEvent, options, TimeSpan.FromMilliseconds(100));
        }

        return string.Equals(name, subscription.QemuEvent, noCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    private void Publish<TMsg>(EventFamily family, int eventId, string key, uint program, int procedure, in TMsg message)
        where TMsg : IXdrType<TMsg>
    {
        EventSubscription[] subscriptions = Volatile.Read(ref _subscriptions);
        if (subscriptions.Length == 0)
        {
            return;
        }

        using var encoded = new PooledBufferWriter();
        var writer = new XdrWriter(encoded);
        message.Encode(ref writer);
        writer.Flush();
        byte[] rented = ArrayPool<byte>.Shared.Rent((int)encoded.Length);
        try
        {
            encoded.AsSequence().CopyTo(rented);

            // The callback form starts with the callback ID word; subscribers get their own in its place.
            ReadOnlySpan<byte> rest = rented.AsSpan(4, (int)encoded.Length - 4);
            var header = new VirNetMessageHeader { Prog = program, Vers = 1, Proc = procedure, Type = VirNetMessageType.Message, Serial = 1, Status = VirNetMessageStatus.Ok };
            foreach (EventSubscription subscription in subscriptions)
            {
                if (subscription.Family != family || subscription.EventId != eventId
                    || (subscription.Key is not null && !string.Equals(subscription.Key, key, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (subscription.Legacy)
                {
                    if (eventId < EventProcedures.DomainLegacy.Length)
                    {
                        VirNetMessageHeader legacy = header;
                        legacy.Proc = (int)EventProcedures.DomainLegacy[eventId];
                        subscription.Client.Outbox.SendRaw(legacy, rest);
                    }
                    else
                    {
                        subscription.Client.Outbox.SendWithCallbackId(header, subscription.CallbackId, rest);
                    }
                }
                else
                {
                    subscription.Client.Outbox.SendWithCallbackId(header, subscription.CallbackId, rest);
                }

                subscription.Client.CheckBacklog();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

    }
}
