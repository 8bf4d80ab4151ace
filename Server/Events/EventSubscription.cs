using LibvirtRemote.Server.Connections;

namespace LibvirtRemote.Server.Events;

/// <summary>
/// One client registration. <see cref="Key"/> narrows it to one object (domain/network/pool/secret UUID as hex,
/// node device name); <see cref="Legacy"/> registrations get domain events in the old form without a callback ID.
/// </summary>
internal sealed record EventSubscription(
    ClientConnection Client,
    EventFamily Family,
    int EventId,
    int CallbackId,
    string? Key,
    bool Legacy,
    string? QemuEvent = null,
    uint QemuFlags = 0);
