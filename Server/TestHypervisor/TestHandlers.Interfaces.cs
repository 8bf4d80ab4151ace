using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Host interfaces, as libvirt's test driver serves them.</summary>
internal sealed partial class TestHandlers
{
    public override ValueTask<ConnectNumOfInterfacesRet> ConnectNumOfInterfacesAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfInterfacesRet { Num = _state.Interfaces.Count(i => i.Active) });
        }
    }

    public override ValueTask<ConnectNumOfDefinedInterfacesRet> ConnectNumOfDefinedInterfacesAsync(ServerCall call)
    {
        lock (_state.Gate)
        {
            return new(new ConnectNumOfDefinedInterfacesRet { Num = _state.Interfaces.Count(i => !i.Active) });
        }
    }

    public override ValueTask<ConnectListInterfacesRet> ConnectListInterfacesAsync(ServerCall call, ConnectListInterfacesArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListInterfacesRet { Names = [.. _state.Interfaces.Where(i => i.Active).Take(Math.Max(0, args.Maxnames)).Select(i => i.Name)] });
        }
    }

    public override ValueTask<ConnectListDefinedInterfacesRet> ConnectListDefinedInterfacesAsync(ServerCall call, ConnectListDefinedInterfacesArgs args)
    {
        lock (_state.Gate)
        {
            return new(new ConnectListDefinedInterfacesRet { Names = [.. _state.Interfaces.Where(i => !i.Active).Take(Math.Max(0, args.Maxnames)).Select(i => i.Name)] });
        }
    }

    public override ValueTask<ConnectListAllInterfacesRet> ConnectListAllInterfacesAsync(ServerCall call, ConnectListAllInterfacesArgs args)
    {
        TestFlags.Check(args.Flags, 3, "testConnectListAllInterfaces");
        lock (_state.Gate)
        {
            NonnullInterface[] ifaces = [.. _state.Interfaces.Where(i => TestFlags.Matches(args.Flags & 3, i.Active, true, true)).Select(Wire)];
            return new(new ConnectListAllInterfacesRet { Ifaces = args.NeedResults != 0 ? ifaces : [], Ret = (uint)ifaces.Length });
        }
    }

    public override ValueTask<InterfaceLookupByNameRet> InterfaceLookupByNameAsync(ServerCall call, InterfaceLookupByNameArgs args)
    {
        lock (_state.Gate)
        {
            return new(new InterfaceLookupByNameRet { Iface = Wire(_state.InterfaceByName(args.Name)) });
        }
    }

    public override ValueTask<InterfaceLookupByMacStringRet> InterfaceLookupByMacStringAsync(ServerCall call, InterfaceLookupByMacStringArgs args)
    {
        lock (_state.Gate)
        {
            // libvirt compares with glib's case-insensitive compare, which calls a missing address equal to anything: an
            // interface without a MAC matches every lookup.
            TestInterface[] matches = [.. _state.Interfaces.Where(i => i.Mac is null || string.Equals(i.Mac, args.Mac, StringComparison.OrdinalIgnoreCase)).Take(2)];
            return matches.Length switch
            {
                0 => throw new LibvirtErrorException(ErrorCode.NoInterface, ErrorDomain.Test, $"Interface not found: no interface with matching mac '{args.Mac}'"),
                1 => new(new InterfaceLookupByMacStringRet { Iface = new NonnullInterface { Name = matches[0].Name, Mac = args.Mac } }),
                _ => throw new LibvirtErrorException(ErrorCode.MultipleInterfaces, ErrorDomain.Test, "multiple matching interfaces found"),
            };
        }
    }

    public override ValueTask<InterfaceGetXmlDescRet> InterfaceGetXmlDescAsync(ServerCall call, InterfaceGetXmlDescArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testInterfaceGetXMLDesc");
        lock (_state.Gate)
        {
            return new(new InterfaceGetXmlDescRet { Xml = _state.InterfaceByName(args.Iface.Name).Format() });
        }
    }

    public override ValueTask<InterfaceDefineXmlRet> InterfaceDefineXmlAsync(ServerCall call, InterfaceDefineXmlArgs args)
    {
        TestFlags.Check(args.Flags, 1, "testInterfaceDefineXML");
        TestInterface iface = TestInterface.Parse(args.Xml);
        lock (_state.Gate)
        {
            int index = _state.Interfaces.FindIndex(i => i.Name == iface.Name);
            if (index >= 0)
            {
                iface.Active = _state.Interfaces[index].Active;
                _state.Interfaces[index] = iface;
            }
            else
            {
                _state.Interfaces.Add(iface);
            }

            return new(new InterfaceDefineXmlRet { Iface = Wire(iface) });
        }
    }

    public override ValueTask InterfaceUndefineAsync(ServerCall call, InterfaceUndefineArgs args)
    {
        lock (_state.Gate)
        {
            _state.Interfaces.Remove(_state.InterfaceByName(args.Iface.Name));
        }

        return default;
    }

    public override ValueTask InterfaceCreateAsync(ServerCall call, InterfaceCreateArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testInterfaceCreate");
        SetInterfaceActive(args.Iface.Name, true);
        return default;
    }

    public override ValueTask InterfaceDestroyAsync(ServerCall call, InterfaceDestroyArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testInterfaceDestroy");
        SetInterfaceActive(args.Iface.Name, false);
        return default;
    }

    public override ValueTask<InterfaceIsActiveRet> InterfaceIsActiveAsync(ServerCall call, InterfaceIsActiveArgs args)
    {
        lock (_state.Gate)
        {
            return new(new InterfaceIsActiveRet { Active = _state.InterfaceByName(args.Iface.Name).Active ? 1 : 0 });
        }
    }

    public override ValueTask InterfaceChangeBeginAsync(ServerCall call, InterfaceChangeBeginArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testInterfaceChangeBegin");
        lock (_state.Gate)
        {
            if (_state.InterfaceSnapshot is not null)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: there is another transaction running.");
            }

            _state.InterfaceSnapshot = [.. _state.Interfaces];
        }

        return default;
    }

    public override ValueTask InterfaceChangeCommitAsync(ServerCall call, InterfaceChangeCommitArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testInterfaceChangeCommit");
        lock (_state.Gate)
        {
            if (_state.InterfaceSnapshot is null)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: no transaction running, nothing to be committed.");
            }

            _state.InterfaceSnapshot = null;
        }

        return default;
    }

    public override ValueTask InterfaceChangeRollbackAsync(ServerCall call, InterfaceChangeRollbackArgs args)
    {
        TestFlags.Check(args.Flags, 0, "testInterfaceChangeRollback");
        lock (_state.Gate)
        {
            if (_state.InterfaceSnapshot is not { } snapshot)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: no transaction running, nothing to rollback.");
            }

            // libvirt's test driver restores copies of the definitions, and copies start inactive.
            _state.Interfaces.Clear();
            foreach (TestInterface iface in snapshot)
            {
                iface.Active = false;
                _state.Interfaces.Add(iface);
            }

            _state.InterfaceSnapshot = null;
        }

        return default;
    }

    private static NonnullInterface Wire(TestInterface iface) => new() { Name = iface.Name, Mac = iface.Mac ?? string.Empty };

    private void SetInterfaceActive(string name, bool active)
    {
        lock (_state.Gate)
        {
            TestInterface iface = _state.InterfaceByName(name);
            if (iface.Active == active)
            {
                // The test driver reports this without any detail text.
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid");
            }

            iface.Active = active;
        }
    }
}
