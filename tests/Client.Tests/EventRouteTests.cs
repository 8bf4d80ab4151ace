using System.Reflection;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>The event ID to message procedure tables.</summary>
public sealed class EventRouteTests
{

    [Fact]
    public void EveryDomainEventIdMapsToTheProcedureOfTheSameNameWhoseBodyStartsWithTheCallbackId()
    {
        Assert.Equal(Enum.GetValues<DomainEventId>().Length, EventRoutes.DomainProcedures.Length);
        foreach (DomainEventId id in Enum.GetValues<DomainEventId>())
        {
            AssertRoute(EventRoutes.DomainProcedures[(int)id], "DOMAIN_EVENT_" + id);
        }

        foreach (NetworkEventId id in Enum.GetValues<NetworkEventId>())
        {
            AssertRoute(EventRoutes.NetworkProcedures[(int)id], "NETWORK_EVENT_" + id);
        }

        foreach (StoragePoolEventId id in Enum.GetValues<StoragePoolEventId>())
        {
            AssertRoute(EventRoutes.StoragePoolProcedures[(int)id], "STORAGE_POOL_EVENT_" + id);
        }

        foreach (NodeDeviceEventId id in Enum.GetValues<NodeDeviceEventId>())
        {
            AssertRoute(EventRoutes.NodeDeviceProcedures[(int)id], "NODE_DEVICE_EVENT_" + id);
        }

        foreach (SecretEventId id in Enum.GetValues<SecretEventId>())
        {
            AssertRoute(EventRoutes.SecretProcedures[(int)id], "SECRET_EVENT_" + id);
        }
    }

    [Fact]
    public void EveryCallbackStyleEventProcedureIsRoutedAndNoOldStyleOneIs()
    {
        foreach (ProcedureInfo procedure in RemoteProtocol.Procedures.All.Where(p => p.IsEvent && p.Number != (int)Procedure.ConnectEventConnectionClosed))
        {
            bool routed = EventRoutes.TryGetRoute((uint)RemoteProtocol.RemoteProgram, procedure.Number, out _, out _);
            Assert.True(routed == StartsWithCallbackId(procedure.Event!.ClrType), procedure.Name);
        }

        Assert.True(EventRoutes.TryGetRoute((uint)QemuProtocol.QemuProgram, (int)QemuProcedure.DomainMonitorEvent, out EventKind kind, out _));
        Assert.Equal(EventKind.QemuMonitor, kind);
    }

    private static void AssertRoute(Procedure procedure, string expected)
    {
        Assert.True(RemoteProtocol.Procedures.TryGet((int)procedure, out ProcedureInfo? info));
        string name = info.Name.Replace("REMOTE_PROC_", string.Empty, StringComparison.Ordinal).Replace("CALLBACK_", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        Assert.Equal(expected.Replace("_", string.Empty, StringComparison.Ordinal), name, ignoreCase: true);
        Assert.NotNull(info.Event);
        Assert.True(StartsWithCallbackId(info.Event.ClrType), info.Name);
    }

    // Tests run untrimmed; the generated structs' public fields are there to read.
#pragma warning disable IL2070
    private static bool StartsWithCallbackId(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.MetadataToken).First().Name == "CallbackID";
#pragma warning restore IL2070
}
