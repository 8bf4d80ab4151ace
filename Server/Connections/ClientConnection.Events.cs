using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Dispatch;
using LibvirtRemote.Server.Events;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Connections;

/// <summary>Event registrations: the connection keeps them in the server's hub and drops them when it closes.</summary>
internal sealed partial class ClientConnection
{
    private EventHub Hub => Server.Events;

    /// <summary>Disconnects a client whose unread output passed the limit (called after queuing events to it).</summary>
    internal void CheckBacklog()
    {
        if (Outbox.Backlog > Options.MaxOutputBacklog)
        {
            Server.Log(LogLevelName.Warning, $"client {Context.Id}: stopped reading, {Outbox.Backlog} bytes queued; disconnecting it");
            Outbox.Close();
            Abort();
        }
    }

    private void DropSubscriptions() => Hub.RemoveClient(this);

    private bool TryHandleEventRegistration(ServerCall call, ReadOnlySequence<byte> body)
    {
        switch ((Procedure)call.Procedure)
        {
            case Procedure.ConnectDomainEventRegister:
                Observe(HandlerDispatch.Run<ClientConnection, XdrVoid, ConnectDomainEventRegisterRet>(this, call, body, static (c, _, _) =>
                {
                    c.RegisterLegacy(0, checkRange: false);

                    // libvirtd leaves this reply zeroed.
                    return new(new ConnectDomainEventRegisterRet { CbRegistered = 0 });
                }));
                return true;
            case Procedure.ConnectDomainEventDeregister:
                Observe(HandlerDispatch.Run<ClientConnection, XdrVoid, ConnectDomainEventDeregisterRet>(this, call, body, static (c, _, _) =>
                {
                    c.DeregisterLegacy(0, checkRange: false);
                    return new(new ConnectDomainEventDeregisterRet { CbRegistered = 0 });
                }));
                return true;
            case Procedure.ConnectDomainEventRegisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectDomainEventRegisterAnyArgs>(this, call, body, static (c, _, a) =>
                {
                    c.RegisterLegacy(a.EventID, checkRange: true);
                    return default;
                }));
                return true;
            case Procedure.ConnectDomainEventDeregisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectDomainEventDeregisterAnyArgs>(this, call, body, static (c, _, a) =>
                {
                    c.DeregisterLegacy(a.EventID, checkRange: true);
                    return default;
                }));
                return true;
            case Procedure.ConnectDomainEventCallbackRegisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectDomainEventCallbackRegisterAnyArgs, ConnectDomainEventCallbackRegisterAnyRet>(this, call, body, static (c, _, a) =>
                    new(new ConnectDomainEventCallbackRegisterAnyRet
                    {
                        CallbackID = c.Register(EventFamily.Domain, a.EventID, EventProcedures.Domain.Length, a.Dom is { } d ? Convert.ToHexString(d.Uuid) : null, "unsupported event ID"),
                    })));
                return true;
            case Procedure.ConnectDomainEventCallbackDeregisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectDomainEventCallbackDeregisterAnyArgs>(this, call, body, static (c, _, a) =>
                {
                    c.Deregister(EventFamily.Domain, a.CallbackID, "domain event callback");
                    return default;
                }));
                return true;
            case Procedure.ConnectNetworkEventRegisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectNetworkEventRegisterAnyArgs, ConnectNetworkEventRegisterAnyRet>(this, call, body, static (c, _, a) =>
                    new(new ConnectNetworkEventRegisterAnyRet
                    {
                        CallbackID = c.Register(EventFamily.Network, a.EventID, EventProcedures.Network.Length, a.Net is { } n ? Convert.ToHexString(n.Uuid) : null, "unsupported network event ID"),
                    })));
                return true;
            case Procedure.ConnectNetworkEventDeregisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectNetworkEventDeregisterAnyArgs>(this, call, body, static (c, _, a) =>
                {
                    c.Deregister(EventFamily.Network, a.CallbackID, "network event callback");
                    return default;
                }));
                return true;
            case Procedure.ConnectStoragePoolEventRegisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectStoragePoolEventRegisterAnyArgs, ConnectStoragePoolEventRegisterAnyRet>(this, call, body, static (c, _, a) =>
                    new(new ConnectStoragePoolEventRegisterAnyRet
                    {
                        CallbackID = c.Register(EventFamily.StoragePool, a.EventID, EventProcedures.StoragePool.Length, a.Pool is { } p ? Convert.ToHexString(p.Uuid) : null, "unsupported storage pool event ID"),
                    })));
                return true;
            case Procedure.ConnectStoragePoolEventDeregisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectStoragePoolEventDeregisterAnyArgs>(this, call, body, static (c, _, a) =>
                {
                    c.Deregister(EventFamily.StoragePool, a.CallbackID, "storage pool event callback");
                    return default;
                }));
                return true;
            case Procedure.ConnectNodeDeviceEventRegisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectNodeDeviceEventRegisterAnyArgs, ConnectNodeDeviceEventRegisterAnyRet>(this, call, body, static (c, _, a) =>
                    new(new ConnectNodeDeviceEventRegisterAnyRet
                    {
                        CallbackID = c.Register(EventFamily.NodeDevice, a.EventID, EventProcedures.NodeDevice.Length, a.Dev is { } d ? d.Name : null, "unsupported node device event ID"),
                    })));
                return true;
            case Procedure.ConnectNodeDeviceEventDeregisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectNodeDeviceEventDeregisterAnyArgs>(this, call, body, static (c, _, a) =>
                {
                    c.Deregister(EventFamily.NodeDevice, a.CallbackID, "node device event callback");
                    return default;
                }));
                return true;
            case Procedure.ConnectSecretEventRegisterAny:
                // libvirt asks the hypervisor's secret driver to register; without one the call is not supported.
                // libvirtd checks the event ID first.
                Observe(HandlerDispatch.Run<ClientConnection, ConnectSecretEventRegisterAnyArgs, ConnectSecretEventRegisterAnyRet>(this, call, body, static (c, call, a) =>
                    (uint)a.EventID < (uint)EventProcedures.Secret.Length && !c.Server.Backend.HasSecretDriver ? HandlerDispatch.NotSupported<ConnectSecretEventRegisterAnyRet>(call) : new(new ConnectSecretEventRegisterAnyRet
                    {
                        CallbackID = c.Register(EventFamily.Secret, a.EventID, EventProcedures.Secret.Length, a.Secret is { } s ? Convert.ToHexString(s.Uuid) : null, "unsupported secret event ID"),
                    })));
                return true;
            case Procedure.ConnectSecretEventDeregisterAny:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectSecretEventDeregisterAnyArgs>(this, call, body, static (c, _, a) =>
                {
                    // libvirtd words this one as a node device callback; kept for identical error text.
                    c.Deregister(EventFamily.Secret, a.CallbackID, "node device event callback");
                    return default;
                }));
                return true;
            default:
                return false;
        }
    }

    private bool TryHandleQemuEventRegistration(ServerCall call, ReadOnlySequence<byte> body)
    {
        switch ((QemuProcedure)call.Procedure)
        {
            case QemuProcedure.ConnectDomainMonitorEventRegister:
                Observe(HandlerDispatch.Run<ClientConnection, QemuConnectDomainMonitorEventRegisterArgs, QemuConnectDomainMonitorEventRegisterRet>(this, call, body, static (c, call, a) =>
                {
                    // Registration runs the public API, read-only check included; deregistration is answered from
                    // the dispatcher's own table first, where a read-only client never has an entry.
                    call.CheckReadOnly(0);
                    if (!c.Server.Backend.HasQemuMonitorEvents)
                    {
                        return HandlerDispatch.NotSupported<QemuConnectDomainMonitorEventRegisterRet>(call);
                    }

                    if ((a.Flags & 1) != 0 && a.Event is not null)
                    {
                        ValidateRegex(a.Event);
                    }

                    int callbackId = c.Hub.NextCallbackId();
                    string? key = a.Dom is { } d ? Convert.ToHexString(d.Uuid) : null;
                    c.Hub.Add(new EventSubscription(c, EventFamily.QemuMonitor, 0, callbackId, key, Legacy: false, a.Event, a.Flags));
                    return new(new QemuConnectDomainMonitorEventRegisterRet { CallbackID = callbackId });
                }));
                return true;
            case QemuProcedure.ConnectDomainMonitorEventDeregister:
                Observe(HandlerDispatch.Run<ClientConnection, QemuConnectDomainMonitorEventDeregisterArgs>(this, call, body, static (c, _, a) =>
                {
                    c.Deregister(EventFamily.QemuMonitor, a.CallbackID, "qemu monitor event callback");
                    return default;
                }));
                return true;
            default:
                return false;
        }
    }

    private static void ValidateRegex(string pattern)
    {
        try
        {
            System.Text.RegularExpressions.Regex.IsMatch(string.Empty, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException e)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.None, $"invalid argument: failed to compile regex '{pattern}': {e.Message}");
        }
    }

    private int Register(EventFamily family, int eventId, int count, string? key, string unsupported)
    {
        if (eventId < 0 || eventId >= count)
        {
            throw LibvirtErrorException.Internal($"{unsupported} {eventId}");
        }

        return Subscribe(family, eventId, key, legacy: false);
    }

    /// <summary>
    /// libvirtd keeps one registration per client, family, event ID and object filter (old-style and callback domain
    /// registrations share it); a second one is refused.
    /// </summary>
    private int Subscribe(EventFamily family, int eventId, string? key, bool legacy)
    {
        if (!Hub.TryAdd(
            id => new EventSubscription(this, family, eventId, id, key, legacy),
            s => ReferenceEquals(s.Client, this) && s.Family == family && s.EventId == eventId && string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase),
            out int callbackId))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.None, "invalid argument: event callback already tracked");
        }

        return callbackId;
    }

    private void Deregister(EventFamily family, int callbackId, string what)
    {
        if (!Hub.Remove(s => ReferenceEquals(s.Client, this) && s.Family == family && s.CallbackId == callbackId))
        {
            throw LibvirtErrorException.Internal($"{what} {callbackId} not registered");
        }
    }

    private void RegisterLegacy(int eventId, bool checkRange)
    {
        CheckLegacyRange(eventId, checkRange);
        Subscribe(EventFamily.Domain, eventId, null, legacy: true);
    }

    /// <summary>
    /// Like libvirtd, drops the client's earliest domain registration for the event ID, whichever way it was made and
    /// whatever it filters on.
    /// </summary>
    private void DeregisterLegacy(int eventId, bool checkRange)
    {
        CheckLegacyRange(eventId, checkRange);
        if (!Hub.RemoveFirst(s => ReferenceEquals(s.Client, this) && s.Family == EventFamily.Domain && s.EventId == eventId))
        {
            throw LibvirtErrorException.Internal($"domain event {eventId} not registered");
        }
    }

    /// <summary>Old-style registrations exist only for the events that have an old-style message.</summary>
    private static void CheckLegacyRange(int eventId, bool checkRange)
    {
        if (checkRange && (eventId < 0 || eventId >= EventProcedures.DomainLegacy.Length))
        {
            throw LibvirtErrorException.Internal($"unsupported event ID {eventId}");
        }
    }
}
