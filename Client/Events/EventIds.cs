namespace LibvirtRemote.Client.Events;

/// <summary>libvirt's domain event IDs (virDomainEventID): what a domain subscription listens for.</summary>
public enum DomainEventId
{
    /// <summary>VIR_DOMAIN_EVENT_ID_LIFECYCLE: defined, started, suspended, stopped, ...</summary>
    Lifecycle = 0,

    /// <summary>VIR_DOMAIN_EVENT_ID_REBOOT</summary>
    Reboot = 1,

    /// <summary>VIR_DOMAIN_EVENT_ID_RTC_CHANGE</summary>
    RtcChange = 2,

    /// <summary>VIR_DOMAIN_EVENT_ID_WATCHDOG</summary>
    Watchdog = 3,

    /// <summary>VIR_DOMAIN_EVENT_ID_IO_ERROR</summary>
    IoError = 4,

    /// <summary>VIR_DOMAIN_EVENT_ID_GRAPHICS</summary>
    Graphics = 5,

    /// <summary>VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON</summary>
    IoErrorReason = 6,

    /// <summary>VIR_DOMAIN_EVENT_ID_CONTROL_ERROR</summary>
    ControlError = 7,

    /// <summary>VIR_DOMAIN_EVENT_ID_BLOCK_JOB (disks named by path)</summary>
    BlockJob = 8,

    /// <summary>VIR_DOMAIN_EVENT_ID_DISK_CHANGE</summary>
    DiskChange = 9,

    /// <summary>VIR_DOMAIN_EVENT_ID_TRAY_CHANGE</summary>
    TrayChange = 10,

    /// <summary>VIR_DOMAIN_EVENT_ID_PMWAKEUP</summary>
    PMWakeup = 11,

    /// <summary>VIR_DOMAIN_EVENT_ID_PMSUSPEND</summary>
    PMSuspend = 12,

    /// <summary>VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE</summary>
    BalloonChange = 13,

    /// <summary>VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK</summary>
    PMSuspendDisk = 14,

    /// <summary>VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED</summary>
    DeviceRemoved = 15,

    /// <summary>VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2 (disks named by target)</summary>
    BlockJob2 = 16,

    /// <summary>VIR_DOMAIN_EVENT_ID_TUNABLE</summary>
    Tunable = 17,

    /// <summary>VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE</summary>
    AgentLifecycle = 18,

    /// <summary>VIR_DOMAIN_EVENT_ID_DEVICE_ADDED</summary>
    DeviceAdded = 19,

    /// <summary>VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION</summary>
    MigrationIteration = 20,

    /// <summary>VIR_DOMAIN_EVENT_ID_JOB_COMPLETED</summary>
    JobCompleted = 21,

    /// <summary>VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED</summary>
    DeviceRemovalFailed = 22,

    /// <summary>VIR_DOMAIN_EVENT_ID_METADATA_CHANGE</summary>
    MetadataChange = 23,

    /// <summary>VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD</summary>
    BlockThreshold = 24,

    /// <summary>VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE</summary>
    MemoryFailure = 25,

    /// <summary>VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE</summary>
    MemoryDeviceSizeChange = 26,

    /// <summary>VIR_DOMAIN_EVENT_ID_NIC_MAC_CHANGE (libvirt 11.2 and later)</summary>
    NicMacChange = 27,
}

/// <summary>libvirt's network event IDs (virNetworkEventID).</summary>
public enum NetworkEventId
{
    /// <summary>VIR_NETWORK_EVENT_ID_LIFECYCLE</summary>
    Lifecycle = 0,

    /// <summary>VIR_NETWORK_EVENT_ID_METADATA_CHANGE (libvirt 9.8 and later)</summary>
    MetadataChange = 1,
}

/// <summary>libvirt's storage pool event IDs (virStoragePoolEventID).</summary>
public enum StoragePoolEventId
{
    /// <summary>VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE</summary>
    Lifecycle = 0,

    /// <summary>VIR_STORAGE_POOL_EVENT_ID_REFRESH</summary>
    Refresh = 1,
}

/// <summary>libvirt's node device event IDs (virNodeDeviceEventID).</summary>
public enum NodeDeviceEventId
{
    /// <summary>VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE</summary>
    Lifecycle = 0,

    /// <summary>VIR_NODE_DEVICE_EVENT_ID_UPDATE</summary>
    Update = 1,
}

/// <summary>libvirt's secret event IDs (virSecretEventID).</summary>
public enum SecretEventId
{
    /// <summary>VIR_SECRET_EVENT_ID_LIFECYCLE</summary>
    Lifecycle = 0,

    /// <summary>VIR_SECRET_EVENT_ID_VALUE_CHANGED</summary>
    ValueChanged = 1,
}

/// <summary>Why the server's side of the connection closed (virConnectCloseReason).</summary>
public enum CloseReason
{
    /// <summary>VIR_CONNECT_CLOSE_REASON_ERROR: an I/O or protocol error.</summary>
    Error = 0,

    /// <summary>VIR_CONNECT_CLOSE_REASON_EOF: the peer closed the socket.</summary>
    Eof = 1,

    /// <summary>VIR_CONNECT_CLOSE_REASON_KEEPALIVE: the peer stopped answering keepalive.</summary>
    Keepalive = 2,

    /// <summary>VIR_CONNECT_CLOSE_REASON_CLIENT: this client closed the connection.</summary>
    Client = 3,
}
