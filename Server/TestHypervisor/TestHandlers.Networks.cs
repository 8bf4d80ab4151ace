using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Virtual networks, as libvirt's test driver serves them.</summary>
internal sealed partial class TestHandlers
{
    private const int NetworkEventDefined = 0;
    private const int NetworkEventUndefined = 1;
    private const int NetworkEventStarted = 2;
    private const int NetworkEventStopped = 3;

    public override ValueTask<ConnectNumOfNetworksRet> ConnectNumOfNetworksAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfNetworksRet { Num = _state.Networks.Count(n => n.Active) });
        }
    }

    public override ValueTask<ConnectNumOfDefinedNetworksRet> ConnectNumOfDefinedNetworksAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfDefinedNetworksRet { Num = _state.Networks.Count(n => !n.Active) });
        }
    }

    public override ValueTask<ConnectListNetworksRet> ConnectListNetworksAsync(ServerCall call, ConnectListNetworksArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListNetworksRet { Names = [.. _state.Networks.Where(n => n.Active).Take(Math.Max(0, args.Maxnames)).Select(n => n.Def.Name)] });
        }
    }

    public override ValueTask<ConnectListDefinedNetworksRet> ConnectListDefinedNetworksAsync(ServerCall call, ConnectListDefinedNetworksArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListDefinedNetworksRet { Names = [.. _state.Networks.Where(n => !n.Active).Take(Math.Max(0, args.Maxnames)).Select(n => n.Def.Name)] });
        }
    }

    public override ValueTask<ConnectListAllNetworksRet> ConnectListAllNetworksAsync(ServerCall call, ConnectListAllNetworksArgs args)
    {
        TestFlags.Check(args.Flags, 0x3F, "testConnectListAllNetworks");
        lock (_state.Gate)
        {
            NonnullNetwork[] nets = [.. _state.Networks.Where(n => TestFlags.Matches(args.Flags, n.Active, n.Persistent, n.Autostart)).Select(Wire)];
            return new(new ConnectListAllNetworksRet { Nets = args.NeedResults != 0 ? nets : [], Ret = (uint)nets.Length });
        }
    }

    public override ValueTask<NetworkLookupByNameRet> NetworkLookupByNameAsync(ServerCall call, NetworkLookupByNameArgs args)
    {
        lock (_state.Gate)
        {
            return new(new NetworkLookupByNameRet { Net = Wire(_state.NetworkByName(args.Name)) });
        }
    }

    public override ValueTask<NetworkLookupByUuidRet> NetworkLookupByUuidAsync(ServerCall call, NetworkLookupByUuidArgs args)
    {
        lock (_state.Gate)
        {
            return new(new NetworkLookupByUuidRet { Net = Wire(_state.NetworkByUuid(TestUuid.FromBytes(args.Uuid))) });
        }
    }

    public override ValueTask<NetworkCreateXmlRet> NetworkCreateXmlAsync(ServerCall call, NetworkCreateXmlArgs args)
        => new(new NetworkCreateXmlRet { Net = CreateNetwork(call, args.Xml) });

    public override ValueTask<NetworkCreateXmlFlagsRet> NetworkCreateXmlFlagsAsync(ServerCall call, NetworkCreateXmlFlagsArgs args)
    {
        TestFlags.Check(args.Flags, 1, "testNetworkCreateXMLFlags");
        return new(new NetworkCreateXmlFlagsRet { Net = CreateNetwork(call, args.Xml) });
    }

    public override ValueTask<NetworkDefineXmlRet> NetworkDefineXmlAsync(ServerCall call, NetworkDefineXmlArgs args)
        => new(new NetworkDefineXmlRet { Net = DefineNetwork(call, args.Xml) });

    public override ValueTask<NetworkDefineXmlFlagsRet> NetworkDefineXmlFlagsAsync(ServerCall call, NetworkDefineXmlFlagsArgs args)
    {
        TestFlags.Check(args.Flags, 1, "testNetworkDefineXMLFlags");
        return new(new NetworkDefineXmlFlagsRet { Net = DefineNetwork(call, args.Xml) });
    }

    public override ValueTask NetworkUndefineAsync(ServerCall call, NetworkUndefineArgs args)
    {
        lock (_state.Gate)
        {
            TestNetwork network = _state.NetworkByName(args.Net.Name);
            if (network.Active)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: Network '{args.Net.Name}' is still running");
            }

            _state.Networks.Remove(network);
        }

        PublishNetwork(call, args.Net, NetworkEventUndefined);
        return default;
    }

    public override ValueTask NetworkCreateAsync(ServerCall call, NetworkCreateArgs args)
    {
        NonnullNetwork net;
        lock (_state.Gate)
        {
            TestNetwork network = _state.NetworkByName(args.Net.Name);
            if (network.Active)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: Network '{args.Net.Name}' is already running");
            }

            network.Active = true;
            net = Wire(network);
        }

        PublishNetwork(call, net, NetworkEventStarted);
        return default;
    }

    public override ValueTask NetworkDestroyAsync(ServerCall call, NetworkDestroyArgs args)
    {
        // The test driver stops a network without checking that it runs, so destroying twice succeeds twice.
        NonnullNetwork net;
        lock (_state.Gate)
        {
            TestNetwork network = _state.NetworkByName(args.Net.Name);
            net = Wire(network);
            // The test driver keeps the live definition after stopping: a redefinition made while the network ran
            // never becomes visible, unlike in libvirt's real network driver.
            network.Active = false;

            if (!network.Persistent)
            {
                _state.Networks.Remove(network);
            }
        }

        PublishNetwork(call, net, NetworkEventStopped);
        return default;
    }

    public override ValueTask<NetworkGetXmlDescRet> NetworkGetXmlDescAsync(ServerCall call, NetworkGetXmlDescArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testNetworkGetXMLDesc");
        lock (_state.Gate)
        {
            return new(new NetworkGetXmlDescRet { Xml = _state.NetworkByName(args.Net.Name).Def.Format() });
        }
    }

    public override ValueTask<NetworkGetBridgeNameRet> NetworkGetBridgeNameAsync(ServerCall call, NetworkGetBridgeNameArgs args)
    {
        lock (_state.Gate)
        {
            TestNetworkDef def = _state.NetworkByName(args.Net.Name).Def;
            return new(new NetworkGetBridgeNameRet
            {
                Name = def.Bridge ?? throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Test, $"internal error: network '{def.Name}' does not have a bridge name."),
            });
        }
    }

    public override ValueTask<NetworkGetAutostartRet> NetworkGetAutostartAsync(ServerCall call, NetworkGetAutostartArgs args)
    {
        lock (_state.Gate)
        {
            return new(new NetworkGetAutostartRet { Autostart = _state.NetworkByName(args.Net.Name).Autostart ? 1 : 0 });
        }
    }

    public override ValueTask NetworkSetAutostartAsync(ServerCall call, NetworkSetAutostartArgs args)
    {
        lock (_state.Gate)
        {
            _state.NetworkByName(args.Net.Name).Autostart = args.Autostart != 0;
        }

        return default;
    }

    public override ValueTask<NetworkIsActiveRet> NetworkIsActiveAsync(ServerCall call, NetworkIsActiveArgs args)
    {
        lock (_state.Gate)
        {
            return new(new NetworkIsActiveRet { Active = _state.NetworkByUuid(TestUuid.FromBytes(args.Net.Uuid)).Active ? 1 : 0 });
        }
    }

    public override ValueTask<NetworkIsPersistentRet> NetworkIsPersistentAsync(ServerCall call, NetworkIsPersistentArgs args)
    {
        lock (_state.Gate)
        {
            return new(new NetworkIsPersistentRet { Persistent = _state.NetworkByUuid(TestUuid.FromBytes(args.Net.Uuid)).Persistent ? 1 : 0 });
        }
    }

    private static NonnullNetwork Wire(TestNetwork network) => new() { Name = network.Def.Name, Uuid = TestUuid.ToBytes(network.Def.Uuid) };

    private static void PublishNetwork(ServerCall call, NonnullNetwork net, int lifecycleEvent)
        => call.Server.Events.PublishNetworkEvent(0, net.Uuid, new NetworkEventLifecycleMsg { Net = net, Event = lifecycleEvent, Detail = 0 });

    private NonnullNetwork CreateNetwork(ServerCall call, string xml)
    {
        TestNetworkDef def = TestNetworkDef.Parse(xml);
        NonnullNetwork net;
        lock (_state.Gate)
        {
            TestNetwork network = _state.AssignNetwork(def, live: true);
            network.Active = true;
            net = Wire(network);
        }

        PublishNetwork(call, net, NetworkEventStarted);
        return net;
    }

    private NonnullNetwork DefineNetwork(ServerCall call, string xml)
    {
        TestNetworkDef def = TestNetworkDef.Parse(xml);
        NonnullNetwork net;
        lock (_state.Gate)
        {
            net = Wire(_state.AssignNetwork(def, live: false));
        }

        PublishNetwork(call, net, NetworkEventDefined);
        return net;
    }
}
