namespace LibvirtRemote.Protocol;

/// <summary>
/// The message procedure each event ID travels as, per registration family (array index = libvirt's event ID).
/// Server and client share these so both sides agree on the routing.
/// </summary>
public static class EventProcedures
{
    /// <summary>Domain events delivered to callbacks registered with CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY (body starts with the callback ID).</summary>
    public static readonly Procedure[] Domain =
    [
        Procedure.DomainEventCallbackLifecycle,
        Procedure.DomainEventCallbackReboot,
        Procedure.DomainEventCallbackRtcChange,
        Procedure.DomainEventCallbackWatchdog,
        Procedure.DomainEventCallbackIoError,
        Procedure.DomainEventCallbackGraphics,
        Procedure.DomainEventCallbackIoErrorReason,
        Procedure.DomainEventCallbackControlError,
        Procedure.DomainEventCallbackBlockJob,
        Procedure.DomainEventCallbackDiskChange,
        Procedure.DomainEventCallbackTrayChange,
        Procedure.DomainEventCallbackPmwakeup,
        Procedure.DomainEventCallbackPmsuspend,
        Procedure.DomainEventCallbackBalloonChange,
        Procedure.DomainEventCallbackPmsuspendDisk,
        Procedure.DomainEventCallbackDeviceRemoved,
        Procedure.DomainEventBlockJob2,
        Procedure.DomainEventCallbackTunable,
        Procedure.DomainEventCallbackAgentLifecycle,
        Procedure.DomainEventCallbackDeviceAdded,
        Procedure.DomainEventCallbackMigrationIteration,
        Procedure.DomainEventCallbackJobCompleted,
        Procedure.DomainEventCallbackDeviceRemovalFailed,
        Procedure.DomainEventCallbackMetadataChange,
        Procedure.DomainEventBlockThreshold,
        Procedure.DomainEventMemoryFailure,
        Procedure.DomainEventMemoryDeviceSizeChange,
        Procedure.DomainEventNicMacChange,
    ];

    /// <summary>
    /// Domain events as sent to old-style registrations (REGISTER / REGISTER_ANY), whose body is the callback form
    /// without its leading callback ID. Only event IDs 0-15 have an old-style message.
    /// </summary>
    public static readonly Procedure[] DomainLegacy =
    [
        Procedure.DomainEventLifecycle,
        Procedure.DomainEventReboot,
        Procedure.DomainEventRtcChange,
        Procedure.DomainEventWatchdog,
        Procedure.DomainEventIoError,
        Procedure.DomainEventGraphics,
        Procedure.DomainEventIoErrorReason,
        Procedure.DomainEventControlError,
        Procedure.DomainEventBlockJob,
        Procedure.DomainEventDiskChange,
        Procedure.DomainEventTrayChange,
        Procedure.DomainEventPmwakeup,
        Procedure.DomainEventPmsuspend,
        Procedure.DomainEventBalloonChange,
        Procedure.DomainEventPmsuspendDisk,
        Procedure.DomainEventDeviceRemoved,
    ];

    /// <summary>Network events.</summary>
    public static readonly Procedure[] Network = [Procedure.NetworkEventLifecycle, Procedure.NetworkEventCallbackMetadataChange];

    /// <summary>Storage pool events.</summary>
    public static readonly Procedure[] StoragePool = [Procedure.StoragePoolEventLifecycle, Procedure.StoragePoolEventRefresh];

    /// <summary>Node device events.</summary>
    public static readonly Procedure[] NodeDevice = [Procedure.NodeDeviceEventLifecycle, Procedure.NodeDeviceEventUpdate];

    /// <summary>Secret events.</summary>
    public static readonly Procedure[] Secret = [Procedure.SecretEventLifecycle, Procedure.SecretEventValueChanged];
}
