using System.Globalization;
using System.Net;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// The net-update sections that work on lists libvirt keeps outside the ip elements: forward interfaces, port groups
/// and the DNS host, TXT and SRV records. Port groups and DNS records live in the definition as kept XML, so these
/// change that XML and write new entries in the layout libvirt's formatter uses.
/// </summary>
internal sealed partial class TestHandlers
{
    private static void UpdateForwardInterface(TestNetworkDef def, uint command, XElement element)
    {
        RequireUpdateElement(def, element, "interface");
        if (command == NetUpdateModify)
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Network, "Operation not supported: forward interface entries cannot be modified, only added or deleted");
        }

        string dev = (string?)element.Attribute("dev") ?? throw NetXmlError("missing dev attribute in <interface> element");
        int index = def.ForwardInterfaces.IndexOf(dev);
        switch (command)
        {
            case NetUpdateAddFirst or NetUpdateAddLast:
                if (index >= 0)
                {
                    throw NetInvalid($"there is an existing interface entry in network '{def.Name}' that matches \"<interface dev='{dev}'>\"");
                }

                def.ForwardInterfaces.Insert(command == NetUpdateAddFirst ? 0 : def.ForwardInterfaces.Count, dev);
                break;
            case NetUpdateDelete:
                if (index < 0)
                {
                    throw NetInvalid($"couldn't find an interface entry in network '{def.Name}' matching <interface dev='{dev}'>");
                }

                def.ForwardInterfaces.RemoveAt(index);
                break;
            default:
                throw UnknownUpdateCommand(command);
        }

        RecheckForwardInterfaces(def);
    }

    /// <summary>
    /// libvirt formats and parses the changed definition once more, so a change that leaves a definition its parser
    /// refuses fails with the parser's message.
    /// </summary>
    private static void RecheckForwardInterfaces(TestNetworkDef def)
    {
        int count = def.ForwardInterfaces.Count;
        switch (def.ForwardMode)
        {
            case "nat" or "route" or "open" when count > 1:
                throw NetXmlError($"multiple forwarding interfaces specified for network '{def.Name}', only one is supported");
            case "open" when count > 0:
                throw NetXmlError($"forward dev not allowed for network '{def.Name}' with forward mode='open'");
            case "bridge" or "private" or "vepa" or "passthrough" or "hostdev" when count > 0 && def.Bridge is not null:
                throw NetXmlError($"A network with forward mode='{def.ForwardMode}' can specify a bridge name or a forward dev, but not both (network '{def.Name}')");
        }
    }

    private static void UpdatePortGroup(TestNetworkDef def, uint command, XElement element)
    {
        RequireUpdateElement(def, element, "portgroup");
        XElement portgroup = NetworkPortGroupXml.Parse(element);
        string name = (string)portgroup.Attribute("name")!;
        bool isDefault = IsDefaultPortGroup(portgroup);
        List<XElement> kept = def.KeptAfterIps;
        int found = kept.FindIndex(e => e.Name.LocalName == "portgroup" && (string?)e.Attribute("name") == name);
        int foundDefault = kept.FindLastIndex(e => e.Name.LocalName == "portgroup" && IsDefaultPortGroup(e));
        if (found < 0 && command is NetUpdateModify or NetUpdateDelete)
        {
            throw NetInvalid($"couldn't find a portgroup entry in network '{def.Name}' matching <portgroup name='{name}'>");
        }

        if (found >= 0 && command is NetUpdateAddFirst or NetUpdateAddLast)
        {
            throw NetInvalid($"there is an existing portgroup entry in network '{def.Name}' that matches \"<portgroup name='{name}'>\"");
        }

        if (command != NetUpdateDelete && isDefault && foundDefault >= 0 && foundDefault != found)
        {
            throw NetInvalid($"a different portgroup entry in network '{def.Name}' is already set as the default. Only one default is allowed.");
        }

        switch (command)
        {
            case NetUpdateModify:
                kept[found] = portgroup;
                break;
            case NetUpdateAddFirst:
            {
                int first = kept.FindIndex(e => e.Name.LocalName == "portgroup");
                kept.Insert(first >= 0 ? first : kept.Count, portgroup);
                break;
            }

            case NetUpdateAddLast:
                // Port groups are the last kept elements, so the end of the list follows the last of them.
                kept.Add(portgroup);
                break;
            case NetUpdateDelete:
                kept.RemoveAt(found);
                break;
            default:
                throw UnknownUpdateCommand(command);
        }
    }

    private static bool IsDefaultPortGroup(XElement portgroup)
        => string.Equals((string?)portgroup.Attribute("default"), "yes", StringComparison.OrdinalIgnoreCase);

    private static void UpdateDnsHost(TestNetworkDef def, uint command, XElement element)
    {
        if (command == NetUpdateModify)
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Network, "Operation not supported: DNS HOST records cannot be modified, only added or deleted");
        }

        RequireUpdateElement(def, element, "host");
        bool isAdd = command is NetUpdateAddFirst or NetUpdateAddLast;
        XElement parsed = NetworkDnsXml.ParseHost(element, def.Name, partialOkay: !isAdd);
        IPAddress? ip = (string?)parsed.Attribute("ip") is string ipText ? IPAddress.Parse(ipText) : null;
        List<string> names = [.. parsed.Elements("hostname").Select(n => n.Value)];
        XElement? dns = Dns(def);
        List<XElement> hosts = dns?.Elements("host").ToList() ?? [];

        // Adding looks for the same address only: one address under several names is a valid setup.
        List<XElement> matches = hosts.FindAll(h =>
            (ip is not null && IPAddress.TryParse((string?)h.Attribute("ip"), out IPAddress? other) && other.Equals(ip))
            || (!isAdd && h.Elements("hostname").Any(n => names.Contains(n.Value))));
        switch (command)
        {
            case NetUpdateAddFirst or NetUpdateAddLast:
                if (matches.Count > 0)
                {
                    throw NetInvalid($"there is already at least one DNS HOST record with a matching field in network {def.Name}");
                }

                AddDnsRecord(def, parsed, command == NetUpdateAddFirst);
                break;
            case NetUpdateDelete:
                if (matches.Count == 0)
                {
                    throw NetInvalid($"couldn't locate a matching DNS HOST record in network {def.Name}");
                }

                if (matches.Count > 1)
                {
                    throw NetInvalid($"multiple matching DNS HOST records were found in network {def.Name}");
                }

                RemoveDnsRecord(def, matches[0]);
                break;
            default:
                throw UnknownUpdateCommand(command);
        }
    }

    private static void UpdateDnsTxt(TestNetworkDef def, uint command, XElement element)
    {
        if (command == NetUpdateModify)
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Network, "Operation not supported: DNS TXT records cannot be modified, only added or deleted");
        }

        RequireUpdateElement(def, element, "txt");
        bool isAdd = command is NetUpdateAddFirst or NetUpdateAddLast;
        XElement parsed = NetworkDnsXml.ParseTxt(element, def.Name, partialOkay: !isAdd);
        string name = (string)parsed.Attribute("name")!;
        XElement? existing = Dns(def)?.Elements("txt").FirstOrDefault(t => (string?)t.Attribute("name") == name);
        switch (command)
        {
            case NetUpdateAddFirst or NetUpdateAddLast:
                if (existing is not null)
                {
                    throw NetInvalid($"there is already a DNS TXT record with name '{name}' in network {def.Name}");
                }

                AddDnsRecord(def, parsed, command == NetUpdateAddFirst);
                break;
            case NetUpdateDelete:
                RemoveDnsRecord(def, existing ?? throw NetInvalid($"couldn't locate a matching DNS TXT record in network {def.Name}"));
                break;
            default:
                throw UnknownUpdateCommand(command);
        }
    }

    private static void UpdateDnsSrv(TestNetworkDef def, uint command, XElement element)
    {
        if (command == NetUpdateModify)
        {
            throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Network, "Operation not supported: DNS SRV records cannot be modified, only added or deleted");
        }

        RequireUpdateElement(def, element, "srv");
        bool isAdd = command is NetUpdateAddFirst or NetUpdateAddLast;
        XElement parsed = NetworkDnsXml.ParseSrv(element, def.Name, partialOkay: !isAdd);
        string? service = (string?)parsed.Attribute("service");
        string? protocol = (string?)parsed.Attribute("protocol");
        string? domain = (string?)parsed.Attribute("domain");
        string? target = (string?)parsed.Attribute("target");

        List<XElement> matches = Dns(def)?.Elements("srv").Where(s =>
            (domain is null || (string?)s.Attribute("domain") == domain)
            && (service is null || (string?)s.Attribute("service") == service)
            && (protocol is null || (string?)s.Attribute("protocol") == protocol)
            && (target is null || (string?)s.Attribute("target") == target)).ToList() ?? [];
        switch (command)
        {
            case NetUpdateAddFirst or NetUpdateAddLast:
                if (matches.Count > 0)
                {
                    throw NetInvalid($"there is already at least one DNS SRV record matching all specified fields in network {def.Name}");
                }

                AddDnsRecord(def, parsed, command == NetUpdateAddFirst);
                break;
            case NetUpdateDelete:
                if (matches.Count == 0)
                {
                    throw NetInvalid($"couldn't locate a matching DNS SRV record in network {def.Name}");
                }

                if (matches.Count > 1)
                {
                    throw NetInvalid($"multiple DNS SRV records matching all specified fields were found in network {def.Name}");
                }

                RemoveDnsRecord(def, matches[0]);
                break;
            default:
                throw UnknownUpdateCommand(command);
        }
    }

    private static XElement? Dns(TestNetworkDef def) => def.KeptBeforeIps.Find(e => e.Name.LocalName == "dns");

    /// <summary>Adds a record among those of its kind, keeping libvirt's order of kinds (forwarder, txt, srv, host).</summary>
    private static void AddDnsRecord(TestNetworkDef def, XElement record, bool first)
    {
        XElement? dns = Dns(def);
        if (dns is null)
        {
            dns = new XElement("dns");
            def.KeptBeforeIps.Insert(0, dns);
        }

        string kind = record.Name.LocalName;
        List<XElement> same = [.. dns.Elements(kind)];
        if (same.Count > 0)
        {
            if (first)
            {
                same[0].AddBeforeSelf(record);
            }
            else
            {
                same[^1].AddAfterSelf(record);
            }

            return;
        }

        string[] order = ["forwarder", "txt", "srv", "host"];
        XElement? before = dns.Elements().LastOrDefault(e => Array.IndexOf(order, e.Name.LocalName) < Array.IndexOf(order, kind));
        if (before is not null)
        {
            before.AddAfterSelf(record);
        }
        else
        {
            dns.AddFirst(record);
        }
    }

    /// <summary>Removes a record; libvirt writes no dns element once it has neither records nor attributes.</summary>
    private static void RemoveDnsRecord(TestNetworkDef def, XElement record)
    {
        XElement dns = record.Parent!;
        record.Remove();
        if (!dns.HasElements && !dns.HasAttributes)
        {
            def.KeptBeforeIps.Remove(dns);
        }
    }

    private static LibvirtErrorException XmlDetail(string message) => new(ErrorCode.XmlDetail, ErrorDomain.Network, message);
}
