using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client.Events;

/// <summary>A domain lifecycle event (virConnectDomainEventCallback).</summary>
/// <param name="Domain">The domain concerned.</param>
/// <param name="Event">virDomainEventType: 0 defined, 1 undefined, 2 started, 3 suspended, 4 resumed, 5 stopped, 6 shutdown, 7 pmsuspended, 8 crashed.</param>
/// <param name="Detail">The matching virDomainEvent*DetailType value.</param>
public sealed record DomainLifecycleEvent(NonnullDomain Domain, int Event, int Detail);

/// <summary>Any domain event, as the server sent it.</summary>
/// <param name="EventId">The event ID subscribed to.</param>
/// <param name="Procedure">The message procedure it arrived as.</param>
/// <param name="Message">The decoded message body (e.g. a <see cref="DomainEventCallbackRebootMsg"/>), whose first field is the callback ID.</param>
public sealed record DomainEvent(DomainEventId EventId, Procedure Procedure, object Message);

/// <summary>A network event.</summary>
/// <param name="Network">The network concerned.</param>
public abstract record NetworkEvent(NonnullNetwork Network);

/// <summary>A network lifecycle event.</summary>
/// <param name="Network">The network concerned.</param>
/// <param name="Event">virNetworkEventLifecycleType: 0 defined, 1 undefined, 2 started, 3 stopped.</param>
/// <param name="Detail">Always 0 in current libvirt.</param>
public sealed record NetworkLifecycleEvent(NonnullNetwork Network, int Event, int Detail) : NetworkEvent(Network);

/// <summary>A network's metadata changed.</summary>
/// <param name="Network">The network concerned.</param>
/// <param name="Type">virNetworkMetadataType: 0 description, 1 title, 2 element.</param>
/// <param name="NamespaceUri">Namespace of the changed element, for type 2.</param>
public sealed record NetworkMetadataChangeEvent(NonnullNetwork Network, int Type, string? NamespaceUri) : NetworkEvent(Network);

/// <summary>A storage pool event.</summary>
/// <param name="Pool">The pool concerned.</param>
public abstract record StoragePoolEvent(NonnullStoragePool Pool);

/// <summary>A storage pool lifecycle event.</summary>
/// <param name="Pool">The pool concerned.</param>
/// <param name="Event">virStoragePoolEventLifecycleType: 0 defined, 1 undefined, 2 started, 3 stopped, 4 created, 5 deleted.</param>
/// <param name="Detail">Always 0 in current libvirt.</param>
public sealed record StoragePoolLifecycleEvent(NonnullStoragePool Pool, int Event, int Detail) : StoragePoolEvent(Pool);

/// <summary>A storage pool was refreshed.</summary>
/// <param name="Pool">The pool concerned.</param>
public sealed record StoragePoolRefreshEvent(NonnullStoragePool Pool) : StoragePoolEvent(Pool);

/// <summary>A node device event.</summary>
/// <param name="Device">The device concerned.</param>
public abstract record NodeDeviceEvent(NonnullNodeDevice Device);

/// <summary>A node device lifecycle event.</summary>
/// <param name="Device">The device concerned.</param>
/// <param name="Event">virNodeDeviceEventLifecycleType: 0 created, 1 deleted, 2 defined, 3 undefined.</param>
/// <param name="Detail">Always 0 in current libvirt.</param>
public sealed record NodeDeviceLifecycleEvent(NonnullNodeDevice Device, int Event, int Detail) : NodeDeviceEvent(Device);

/// <summary>A node device's configuration was updated.</summary>
/// <param name="Device">The device concerned.</param>
public sealed record NodeDeviceUpdateEvent(NonnullNodeDevice Device) : NodeDeviceEvent(Device);

/// <summary>A secret event.</summary>
/// <param name="Secret">The secret concerned.</param>
public abstract record SecretEvent(NonnullSecret Secret);

/// <summary>A secret lifecycle event.</summary>
/// <param name="Secret">The secret concerned.</param>
/// <param name="Event">virSecretEventLifecycleType: 0 defined, 1 undefined.</param>
/// <param name="Detail">Always 0 in current libvirt.</param>
public sealed record SecretLifecycleEvent(NonnullSecret Secret, int Event, int Detail) : SecretEvent(Secret);

/// <summary>A secret's value changed.</summary>
/// <param name="Secret">The secret concerned.</param>
public sealed record SecretValueChangedEvent(NonnullSecret Secret) : SecretEvent(Secret);

/// <summary>A QEMU monitor event (virConnectDomainQemuMonitorEventCallback).</summary>
/// <param name="Domain">The domain whose monitor emitted it.</param>
/// <param name="Event">QMP event name, e.g. <c>SHUTDOWN</c>.</param>
/// <param name="Seconds">QMP timestamp, seconds part.</param>
/// <param name="Microseconds">QMP timestamp, microseconds part.</param>
/// <param name="Details">The event's <c>data</c> member as JSON, when present.</param>
public sealed record QemuMonitorEvent(NonnullDomain Domain, string Event, long Seconds, uint Microseconds, string? Details);
