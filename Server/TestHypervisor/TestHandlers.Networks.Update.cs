using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// net-update as libvirt's shared network code performs it for the test driver: DHCP hosts and ranges can be added,
/// deleted (and hosts modified); bridge, domain, ip, forward and forward-pf always refuse. Forward interfaces, port
/// groups and DNS records are in TestHandlers.Networks.UpdateSections.cs.
/// </summary>
internal sealed partial class TestHandlers
{
    private const uint NetUpdateModify = 1, NetUpdateDelete = 2, NetUpdateAddLast = 3, NetUpdateAddFirst = 4;

    public override ValueTask NetworkUpdateAsync(ServerCall call, NetworkUpdateArgs args)
    {
        const uint Live = 1, Config = 2;
        TestFlags.Check(args.Flags, Live | Config, "testNetworkUpdate");
        lock (_state.Gate)
        {
            TestNetwork network = _state.NetworkByName(args.Net.Name);
            uint flags = args.Flags;
            if ((flags & (Live | Config)) == 0)
            {
                flags |= network.Active ? Live : Config;
            }

            if (!network.Active && (flags & Live) != 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Network, "Requested operation is not valid: network is not running");
            }

            if ((flags & Config) != 0 && !network.Persistent)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Network, "Requested operation is not valid: cannot change persistent config of a transient network");
            }

            // Touching the persistent config of a running network first splits it from the live definition, even
            // when the change itself then fails.
            if ((flags & Config) != 0 && network.Active)
            {
                network.NextDef ??= network.Def.Copy();
            }

            // Both copies are changed before either is stored, so a failure leaves the network as it was. The
            // persistent config is the pending definition when there is one, even after the network stopped.
            TestNetworkDef? live = (flags & Live) != 0 ? UpdateNetworkSection(network.Def.Copy(), args) : null;
            TestNetworkDef? config = (flags & Config) != 0
                ? UpdateNetworkSection((network.NextDef ?? network.Def).Copy(), args)
                : null;
            if (config is not null)
            {
                if (network.Active)
                {
                    network.NextDef = config;
                }
                else
                {
                    network.Def = config;
                }
            }

            if (live is not null)
            {
                network.Def = live;
            }
        }

        return default;
    }

    private static TestNetworkDef UpdateNetworkSection(TestNetworkDef def, NetworkUpdateArgs args)
    {
        XElement element = TestXml.ParseElement(args.Xml, "network_update_xml", ErrorDomain.Network, bareLabel: true);

        string? refused = args.Section switch
        {
            1 => "bridge",
            2 => "domain",
            3 => "ip",
            6 => "forward",
            8 => "forward pf",
            _ => null,
        };
        if (refused is not null)
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Network, $"Operation not supported: can't update '{refused}' section of network '{def.Name}'");
        }

        switch (args.Section)
        {
            case 4:
                UpdateDhcpHost(def, args.Command, args.ParentIndex, element);
                return def;
            case 5:
                UpdateDhcpRange(def, args.Command, args.ParentIndex, element);
                return def;
            case 7:
                UpdateForwardInterface(def, args.Command, element);
                return def;
            case 9:
                UpdatePortGroup(def, args.Command, element);
                return def;
            case 10:
                UpdateDnsHost(def, args.Command, element);
                return def;
            case 11:
                UpdateDnsTxt(def, args.Command, element);
                return def;
            case 12:
                UpdateDnsSrv(def, args.Command, element);
                return def;
            default:
                throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Network, "Operation not supported: can't update unrecognized section of network");
        }
    }

    private static void UpdateDhcpHost(TestNetworkDef def, uint command, int parentIndex, XElement element)
    {
        RequireUpdateElement(def, element, "host");
        TestNetworkDef.IpDef ip = DhcpIpByIndex(def, parentIndex);
        bool partial = command == NetUpdateDelete;
        TestNetworkDef.DhcpHost host = DhcpHostChecks.Parse(element, def.Name, ip.Family == "ipv6", partial);
        (string? mac, string? name, string? address) = (host.Mac, host.Name, host.Ip);
        switch (command)
        {
            case NetUpdateModify:
            {
                int index = ip.Hosts.FindIndex(h => (mac is not null && string.Equals(h.Mac, mac, StringComparison.OrdinalIgnoreCase)) || (address is not null && h.Ip == address) || (name is not null && h.Name == name));
                if (index < 0)
                {
                    throw NetInvalid($"couldn't locate an existing dhcp host entry with \"mac='{mac ?? "unknown"}'\" \"name='{name ?? "(null)"}'\" \"ip='{address ?? "unknown"}'\" in network '{def.Name}'");
                }

                ip.Hosts[index] = host;
                break;
            }

            case NetUpdateAddFirst or NetUpdateAddLast:
                RequireSingleDhcp(def, ip);
                if (ip.Hosts.Exists(h => (mac is not null && string.Equals(h.Mac, mac, StringComparison.OrdinalIgnoreCase)) || (name is not null && h.Name == name) || (address is not null && h.Ip == address)))
                {
                    throw NetInvalid($"there is an existing dhcp host entry in network '{def.Name}' that matches \"<host mac='{mac ?? "unknown"}' name='{name ?? "(null)"}' ip='{address ?? "unknown"}'/>\"");
                }

                ip.Hosts.Insert(command == NetUpdateAddFirst ? 0 : ip.Hosts.Count, host);
                break;
            case NetUpdateDelete:
            {
                int index = ip.Hosts.FindIndex(h => (mac is null || h.Mac is null || string.Equals(h.Mac, mac, StringComparison.OrdinalIgnoreCase)) && (name is null || h.Name == name) && (address is null || h.Ip == address));
                if (index < 0)
                {
                    throw NetInvalid($"couldn't locate a matching dhcp host entry in network '{def.Name}'");
                }

                ip.Hosts.RemoveAt(index);
                break;
            }

            default:
                throw UnknownUpdateCommand(command);
        }
    }

    private static void UpdateDhcpRange(TestNetworkDef def, uint command, int parentIndex, XElement element)
    {
        RequireUpdateElement(def, element, "range");
        TestNetworkDef.IpDef ip = DhcpIpByIndex(def, parentIndex);
        if (command == NetUpdateModify)
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Network, "Operation not supported: dhcp ranges cannot be modified, only added or deleted");
        }

        // The same parse and checks as in a definition (which guarantees every ip element an address).
        (string start, string end) = DhcpRangeChecks.Parse(element, def.Name, ip.Address!, ip.Prefix, ip.Netmask);
        int index = ip.Ranges.FindIndex(r => r.Start == start && r.End == end);
        switch (command)
        {
            case NetUpdateAddFirst or NetUpdateAddLast:
                RequireSingleDhcp(def, ip);
                if (index >= 0)
                {
                    throw NetInvalid($"there is an existing dhcp range entry in network '{def.Name}' that matches \"<range start='{start}' end='{end}'/>\"");
                }

                ip.Ranges.Insert(command == NetUpdateAddFirst ? 0 : ip.Ranges.Count, (start, end));
                break;
            case NetUpdateDelete:
                if (index < 0)
                {
                    throw NetInvalid($"couldn't locate a matching dhcp range entry in network '{def.Name}'");
                }

                ip.Ranges.RemoveAt(index);
                break;
            default:
                throw UnknownUpdateCommand(command);
        }
    }

    /// <summary>The ip element a DHCP change applies to: the indexed one, else the one already serving DHCP, else the first.</summary>
    private static TestNetworkDef.IpDef DhcpIpByIndex(TestNetworkDef def, int parentIndex)
    {
        if (parentIndex >= 0)
        {
            return parentIndex < def.Ips.Count ? def.Ips[parentIndex]
                : throw NetInvalid($"couldn't update dhcp host entry - no <ip> element found at index {parentIndex} in network '{def.Name}'");
        }

        return def.Ips.Find(i => i.Ranges.Count > 0 || i.Hosts.Count > 0)
            ?? def.Ips.Find(i => i.Family is null or "ipv4")
            ?? def.Ips.FirstOrDefault()
            ?? throw NetInvalid($"couldn't update dhcp host entry - no <ip> element found in network '{def.Name}'");
    }

    private static void RequireSingleDhcp(TestNetworkDef def, TestNetworkDef.IpDef ip)
    {
        bool v6 = ip.Family == "ipv6";
        if (def.Ips.Exists(other => other != ip && (other.Family == "ipv6") == v6 && (other.Ranges.Count > 0 || other.Hosts.Count > 0)))
        {
            throw NetInvalid($"dhcp is supported only for a single {(v6 ? "IPv6" : "IPv4")} address on each network");
        }
    }

    private static void RequireUpdateElement(TestNetworkDef def, XElement element, string expected)
    {
        if (element.Name.LocalName != expected)
        {
            throw NetXmlError($"unexpected element <{element.Name.LocalName}>, expecting <{expected}>, while updating network '{def.Name}'");
        }
    }

    private static LibvirtErrorException UnknownUpdateCommand(uint command)
        => new(ErrorCode.OperationUnsupported, ErrorDomain.Network, $"Operation not supported: unrecognized network update command code {command}");

    private static LibvirtErrorException NetInvalid(string message) => new(ErrorCode.OperationInvalid, ErrorDomain.Network, $"Requested operation is not valid: {message}");

    private static LibvirtErrorException NetXmlError(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, $"XML error: {message}");
}
