using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client.Events;

/// <summary>Which registration family a callback ID belongs to; the server numbers each family separately.</summary>
internal enum EventKind
{
    Domain,
    Network,
    StoragePool,
    NodeDevice,
    Secret,
    QemuMonitor,
}

/// <summary>
/// Which message procedure each event ID arrives as once callbacks are registered the callback way (feature 14),
/// and the reverse map the dispatcher routes by. Old-style domain messages (without a callback ID) are absent on
/// purpose: this client never asks for them.
/// </summary>
internal static class EventRoutes
{
    /// <summary>Index = <see cref="DomainEventId"/>.</summary>
    internal static readonly Procedure[] DomainProcedures = EventProcedures.Domain;

    /// <summary>Index = <see cref="NetworkEventId"/>.</summary>
    internal static readonly Procedure[] NetworkProcedures = EventProcedures.Network;

    /// <summary>Index = <see cref="StoragePoolEventId"/>.</summary>
    internal static readonly Procedure[] StoragePoolProcedures = EventProcedures.StoragePool;

    /// <summary>Index = <see cref="NodeDeviceEventId"/>.</summary>
    internal static readonly Procedure[] NodeDeviceProcedures = EventProcedures.NodeDevice;

    /// <summary>Index = <see cref="SecretEventId"/>.</summary>
    internal static readonly Procedure[] SecretProcedures = EventProcedures.Secret;

    private static readonly Dictionary<int, (EventKind Kind, int EventId)> RemoteRoutes = BuildRemoteRoutes();

    /// <summary>Finds the family and event ID a message procedure belongs to.</summary>
    internal static bool TryGetRoute(uint program, int procedure, out EventKind kind, out int eventId)
    {
        if (program == (uint)RemoteProtocol.RemoteProgram && RemoteRoutes.TryGetValue(procedure, out (EventKind Kind, int EventId) route))
        {
            (kind, eventId) = route;
            return true;
        }

        if (program == (uint)QemuProtocol.QemuProgram && procedure == (int)QemuProcedure.DomainMonitorEvent)
        {
            (kind, eventId) = (EventKind.QemuMonitor, 0);
            return true;
        }

        (kind, eventId) = (default, -1);
        return false;
    }

    private static Dictionary<int, (EventKind Kind, int EventId)> BuildRemoteRoutes()
    {
        var routes = new Dictionary<int, (EventKind Kind, int EventId)>();
        Add(routes, EventKind.Domain, DomainProcedures);
        Add(routes, EventKind.Network, NetworkProcedures);
        Add(routes, EventKind.StoragePool, StoragePoolProcedures);
        Add(routes, EventKind.NodeDevice, NodeDeviceProcedures);
        Add(routes, EventKind.Secret, SecretProcedures);
        return routes;

        static void Add(Dictionary<int, (EventKind Kind, int EventId)> routes, EventKind kind, Procedure[] procedures)
        {
            for (int id = 0; id < procedures.Length; id++)
            {
                routes.Add((int)procedures[id], (kind, id));
            }
        }
    }
}
