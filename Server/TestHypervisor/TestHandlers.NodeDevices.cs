using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Host devices, as libvirt's test driver serves them.</summary>
internal sealed partial class TestHandlers
{
    // Capability filter bits of virConnectListAllNodeDevices, in bit order.
    private static readonly string[] NodeDeviceCapBits =
    [
        "system", "pci", "usb_device", "usb", "net", "scsi_host", "scsi_target", "scsi", "storage", "fc_host", "vports",
        "scsi_generic", "drm", "mdev_types", "mdev", "ccw", "css", "vdpa", "ap_card", "ap_queue", "ap_matrix", "vpd",
    ];

    public override ValueTask<NodeNumOfDevicesRet> NodeNumOfDevicesAsync(ServerCall call, NodeNumOfDevicesArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testNodeNumOfDevices");
        return new(new NodeNumOfDevicesRet { Num = _state.NodeDevices.Count(d => args.Cap is null || d.FilterCaps.Contains(args.Cap)) });
    }

    public override ValueTask<NodeListDevicesRet> NodeListDevicesAsync(ServerCall call, NodeListDevicesArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testNodeListDevices");
        return new(new NodeListDevicesRet { Names = [.. _state.NodeDevices.Where(d => args.Cap is null || d.FilterCaps.Contains(args.Cap)).Take(Math.Max(0, args.Maxnames)).Select(d => d.Name)] });
    }

    public override ValueTask<ConnectListAllNodeDevicesRet> ConnectListAllNodeDevicesAsync(ServerCall call, ConnectListAllNodeDevicesArgs args)
    {
        // The test driver accepts only capability filters, so virsh's nodedev-list (which asks for active devices) fails
        // against it exactly as here.
        TestFlags.Check(args.Flags, 0x3FFFFF, "testConnectListAllNodeDevices");
        NonnullNodeDevice[] devices =
        [
            .. _state.NodeDevices
                .Where(d => args.Flags == 0 || d.FilterCaps.Any(c => Array.IndexOf(NodeDeviceCapBits, c) is int bit && bit >= 0 && (args.Flags & (1u << bit)) != 0))
                .Select(d => new NonnullNodeDevice { Name = d.Name }),
        ];
        return new(new ConnectListAllNodeDevicesRet { Devices = args.NeedResults != 0 ? devices : [], Ret = (uint)devices.Length });
    }

    public override ValueTask<NodeDeviceLookupByNameRet> NodeDeviceLookupByNameAsync(ServerCall call, NodeDeviceLookupByNameArgs args)
        => new(new NodeDeviceLookupByNameRet { Dev = new NonnullNodeDevice { Name = _state.NodeDeviceByName(args.Name).Name } });

    public override ValueTask<NodeDeviceGetXmlDescRet> NodeDeviceGetXmlDescAsync(ServerCall call, NodeDeviceGetXmlDescArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testNodeDeviceGetXMLDesc");
        return new(new NodeDeviceGetXmlDescRet { Xml = _state.NodeDeviceByName(args.Name).Xml });
    }

    public override ValueTask<NodeDeviceGetParentRet> NodeDeviceGetParentAsync(ServerCall call, NodeDeviceGetParentArgs args)
        => new(new NodeDeviceGetParentRet { ParentName = _state.NodeDeviceByName(args.Name).Parent });

    public override ValueTask<NodeDeviceNumOfCapsRet> NodeDeviceNumOfCapsAsync(ServerCall call, NodeDeviceNumOfCapsArgs args)
        => new(new NodeDeviceNumOfCapsRet { Num = _state.NodeDeviceByName(args.Name).Caps.Length });

    public override ValueTask<NodeDeviceListCapsRet> NodeDeviceListCapsAsync(ServerCall call, NodeDeviceListCapsArgs args)
        => new(new NodeDeviceListCapsRet { Names = [.. _state.NodeDeviceByName(args.Name).Caps.Take(Math.Max(0, args.Maxnames))] });
}
