using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A virtual network's definition: the subset of libvirt's network XML the test hypervisor keeps (name, uuid,
/// forward, bridge, mtu, mac, domain, ip with dhcp); dns, bandwidth, routes, port groups and the like are kept as
/// written and put back in libvirt's order. Other elements are dropped on parse, as an older libvirt would.
/// </summary>
internal sealed class TestNetworkDef
{
    private static readonly string[] ForwardModes = ["nat", "route", "open", "bridge", "private", "vepa", "passthrough", "hostdev"];

    public required string Name { get; init; }

    public required Guid Uuid { get; init; }

    /// <summary>Forward mode, or null for an isolated network.</summary>
    public string? ForwardMode { get; init; }

    /// <summary>The forward element's interfaces; libvirt turns a lone <c>dev</c> attribute into the first one.</summary>
    public List<string> ForwardInterfaces { get; init; } = [];

    /// <summary>The forward element's PCI addresses (hostdev pools); libvirt keeps them only when no interface is named.</summary>
    public List<PciAddress> ForwardAddresses { get; init; } = [];

    /// <summary>The metadata element with libvirt's namespace clean-up applied, or null.</summary>
    public XElement? Metadata { get; init; }

    /// <summary>The network element's ipv6='yes' and trustGuestRxFilters attributes, as written.</summary>
    public bool Ipv6NoGateway { get; init; }

    public string? TrustGuestRxFilters { get; init; }

    /// <summary>hostdev mode's managed attribute (libvirt always writes it for that mode).</summary>
    public bool ForwardManaged { get; init; }

    /// <summary>The first &lt;pf dev&gt; of the forward element (libvirt keeps one).</summary>
    public string? ForwardPf { get; init; }

    /// <summary>The forward element's &lt;driver name&gt;.</summary>
    public string? ForwardDriver { get; init; }

    /// <summary>The nat element of a nat forward, rebuilt in libvirt's layout, or null when it says nothing.</summary>
    public XElement? ForwardNat { get; init; }

    public string? Bridge { get; init; }

    public bool Stp { get; init; } = true;

    public long Delay { get; init; }

    public uint Mtu { get; init; }

    public string? Mac { get; init; }

    public string? DomainName { get; init; }

    public List<IpDef> Ips { get; init; } = [];

    /// <summary>bridge's macTableManager and zone, domain's localOnly: attributes kept as written.</summary>
    public string? MacTableManager { get; init; }

    public string? BridgeZone { get; init; }

    public string? DomainLocalOnly { get; init; }

    /// <summary>Kept elements that come before the ip elements (dns, vlan, bandwidth, port), in libvirt's order.</summary>
    public List<XElement> KeptBeforeIps { get; init; } = [];

    /// <summary>Kept elements that come after the ip elements (route, virtualport, portgroup), in libvirt's order.</summary>
    public List<XElement> KeptAfterIps { get; init; } = [];

    /// <summary>Parses network XML with libvirt's errors for the cases clients meet.</summary>
    public static TestNetworkDef Parse(string xml)
    {
        XElement root = TestXml.ParseRoot(xml, "network_definition", "network", ErrorDomain.Network);
        string? name = root.Element("name")?.Value;
        if (string.IsNullOrEmpty(name))
        {
            throw new LibvirtErrorException(ErrorCode.NoName, ErrorDomain.Network, "missing name information");
        }

        if (name.Contains('/'))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Network, $"XML error: name {name} cannot contain '/'");
        }

        Guid uuid = TestXml.ReadUuid(root, ErrorDomain.Network);
        NetworkXmlChecks.CheckIpv6(root, name);
        string? forwardMode = null;
        XElement? forwardElement = root.Element("forward");
        var forwardInterfaces = new List<string>();
        NetworkForwardXml.Pool? forwardPool = null;

        // libvirt reads bandwidth, vlan, mac, dns, virtualport and port groups before the ip elements, then routes and
        // forward, and reports errors in that order.
        TestXml.YesNo(root, "trustGuestRxFilters");
        XElement? bandwidth = root.Element("bandwidth") is XElement b ? NetworkBandwidthXml.Parse(b) : null;
        XElement? vlan = root.Element("vlan") is XElement v ? NetworkVlanXml.Parse(v) : null;
        TestXml.YesNo(root.Element("port"), "isolated");
        long delay = NetworkXmlChecks.BridgeDelay(root.Element("bridge"), name);
        string? mac = NetworkXmlChecks.CanonicalMac((string?)root.Element("mac")?.Attribute("address"), name);
        NetworkXmlChecks.CheckMtu(root, name);
        XElement? dns = root.Element("dns") is XElement d ? NetworkDnsXml.Parse(d, name) : null;
        XElement? virtualPort = root.Element("virtualport") is XElement vp ? NetworkVirtualPortXml.Parse(vp, requireType: true) : null;
        List<XElement> portGroups = [.. root.Elements("portgroup").Select(NetworkPortGroupXml.Parse)];
        List<XElement> keptBeforeIps = [.. new[] { dns, vlan, bandwidth }.OfType<XElement>(), .. root.Elements("port").Select(p => new XElement(p))];

        XElement? bridge = root.Element("bridge");
        var ips = new List<IpDef>();
        foreach (XElement ip in root.Elements("ip"))
        {
            CheckIp(ip, name);
            XElement? dhcp = ip.Element("dhcp");
            var ranges = new List<(string Start, string End)>();
            var hosts = new List<DhcpHost>();

            // Ranges and hosts are checked in the order they are written.
            foreach (XElement entry in dhcp?.Elements() ?? [])
            {
                if (entry.Name.LocalName == "range")
                {
                    ranges.Add(DhcpRangeChecks.Parse(entry, name, (string)ip.Attribute("address")!, (string?)ip.Attribute("prefix"), (string?)ip.Attribute("netmask")));
                }
                else if (entry.Name.LocalName == "host")
                {
                    hosts.Add(DhcpHostChecks.Parse(entry, name, (string?)ip.Attribute("family") == "ipv6", partialOkay: false));
                }
            }

            ips.Add(new IpDef
            {
                Family = (string?)ip.Attribute("family"),
                Address = (string?)ip.Attribute("address"),
                Netmask = (string?)ip.Attribute("netmask"),
                Prefix = (string?)ip.Attribute("prefix"),
                LocalPtr = TestXml.YesNo(ip, "localPtr"),
                Ranges = ranges,
                Hosts = hosts,
                Leases = dhcp?.Elements("range").Where(r => r.Element("lease") is not null)
                    .GroupBy(r => (DhcpRangeChecks.Normalise((string?)r.Attribute("start")), DhcpRangeChecks.Normalise((string?)r.Attribute("end"))))
                    .ToDictionary(g => g.Key, g => new XElement(g.First().Element("lease")!)) ?? [],
                Tftp = ip.Element("tftp") is { } tftp ? new XElement(tftp) : null,
                Bootp = dhcp?.Element("bootp") is { } bootp ? new XElement(bootp) : null,
            });
        }

        NetworkXmlChecks.CheckRoutes(root, name);
        string? forwardDriver = null;
        XElement? forwardNat = null;
        if (root.Element("forward") is XElement forward)
        {
            forwardMode = (string?)forward.Attribute("mode") ?? "nat";
            if (Array.IndexOf(ForwardModes, forwardMode) < 0)
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Network, $"unsupported configuration: unknown forwarding type '{forwardMode}'");
            }

            forwardDriver = NetworkXmlChecks.ForwardDriver(forward, name);
            forwardNat = NetworkNatXml.Parse(forward, forwardMode, name);
            forwardPool = NetworkForwardXml.Read(forward, name);
            forwardInterfaces = forwardPool.Interfaces;
        }

        int forwardDevices = forwardInterfaces.Count + (forwardPool?.Addresses.Count ?? 0);
        CheckForward(name, forwardMode, forwardDevices, forwardPool?.Pf is null ? 0 : 1, ips.Count, bridge, root.Element("mtu") is not null);
        return new TestNetworkDef
        {
            Name = name,
            Uuid = uuid,
            ForwardMode = forwardMode,
            ForwardInterfaces = forwardInterfaces,
            ForwardAddresses = forwardPool?.Addresses ?? [],
            Metadata = NetworkDnsXml.SanitizeMetadata(root.Element("metadata")),
            Ipv6NoGateway = (string?)root.Attribute("ipv6") == "yes",
            TrustGuestRxFilters = (string?)root.Attribute("trustGuestRxFilters"),
            ForwardManaged = (string?)forwardElement?.Attribute("managed") == "yes",
            ForwardPf = forwardPool?.Pf,
            ForwardDriver = forwardDriver,
            ForwardNat = forwardNat,
            Bridge = BridgeAttribute(bridge, "name"),
            Stp = BridgeAttribute(bridge, "stp") != "off",
            Delay = delay,
            Mtu = uint.TryParse((string?)root.Element("mtu")?.Attribute("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out uint mtu) ? mtu : 0,
            Mac = mac,
            DomainName = (string?)root.Element("domain")?.Attribute("name"),
            Ips = ips,
            MacTableManager = BridgeAttribute(bridge, "macTableManager"),
            BridgeZone = BridgeAttribute(bridge, "zone"),
            DomainLocalOnly = (string?)root.Element("domain")?.Attribute("localOnly"),
            KeptBeforeIps = keptBeforeIps,
            KeptAfterIps = [.. root.Elements("route").Select(r => new XElement(r)), .. new[] { virtualPort }.OfType<XElement>(), .. portGroups],
        };
    }

    /// <summary>Formats the definition as libvirt's network formatter lays it out.</summary>
    public string Format()
    {
        var w = new LibvirtXmlWriter();
        w.Open("network", ("ipv6", Ipv6NoGateway ? "yes" : null), ("trustGuestRxFilters", TrustGuestRxFilters));
        w.Text("name", Name);
        w.Text("uuid", TestUuid.Format(Uuid));
        if (Metadata is not null)
        {
            var metadata = new System.Text.StringBuilder();
            Domains.MetadataXml.WriteMetadata(metadata, Metadata);
            w.Raw(metadata.ToString());
        }

        if (ForwardMode is not null)
        {
            (string, string?)[] attributes =
            [
                ("dev", ForwardPf is null && ForwardInterfaces.Count > 0 ? ForwardInterfaces[0] : null),
                ("mode", ForwardMode),
                ("managed", ForwardMode == "hostdev" ? (ForwardManaged ? "yes" : "no") : null),
            ];
            if (ForwardInterfaces.Count == 0 && ForwardAddresses.Count == 0 && ForwardPf is null && ForwardDriver is null && ForwardNat is null)
            {
                w.Empty("forward", attributes);
            }
            else
            {
                w.Open("forward", attributes);
                if (ForwardDriver is not null)
                {
                    w.Empty("driver", ("name", ForwardDriver));
                }

                if (ForwardNat is not null)
                {
                    KeptXml.Write(w, ForwardNat);
                }

                if (ForwardPf is not null)
                {
                    w.Empty("pf", ("dev", ForwardPf));
                }
                else
                {
                    foreach (string dev in ForwardInterfaces)
                    {
                        w.Empty("interface", ("dev", dev));
                    }

                    foreach (PciAddress address in ForwardAddresses)
                    {
                        address.Write(w);
                    }
                }

                w.Close("forward");
            }
        }

        bool hasBridge = ForwardMode is null or "nat" or "route" or "open";
        if (hasBridge || Bridge is not null)
        {
            w.Empty(
                "bridge",
                ("name", Bridge),
                ("zone", BridgeZone),
                ("stp", hasBridge ? (Stp ? "on" : "off") : null),
                ("delay", hasBridge ? Delay.ToString(CultureInfo.InvariantCulture) : null),
                ("macTableManager", MacTableManager));
        }

        if (Mtu != 0)
        {
            w.Empty("mtu", ("size", Mtu.ToString(CultureInfo.InvariantCulture)));
        }

        if (Mac is not null)
        {
            w.Empty("mac", ("address", Mac));
        }

        if (DomainName is not null)
        {
            w.Empty("domain", ("name", DomainName), ("localOnly", DomainLocalOnly));
        }

        foreach (XElement element in KeptBeforeIps)
        {
            KeptXml.Write(w, element);
        }

        foreach (IpDef ip in Ips)
        {
            // libvirt always writes <ip> as an open/close pair, even with nothing inside.
            w.Open("ip", ("family", ip.Family), ("address", ip.Address), ("netmask", ip.Netmask), ("prefix", ip.Prefix), ("localPtr", ip.LocalPtr));
            if (ip.Tftp is not null)
            {
                KeptXml.Write(w, ip.Tftp);
            }

            if (ip.Ranges.Count > 0 || ip.Hosts.Count > 0 || ip.Bootp is not null)
            {
                w.Open("dhcp");
                foreach ((string start, string end) in ip.Ranges)
                {
                    if (ip.Leases.TryGetValue((start, end), out XElement? lease))
                    {
                        w.Open("range", ("start", start), ("end", end));
                        KeptXml.Write(w, lease);
                        w.Close("range");
                    }
                    else
                    {
                        w.Empty("range", ("start", start), ("end", end));
                    }
                }

                foreach (DhcpHost host in ip.Hosts)
                {
                    w.Empty("host", ("mac", host.Mac), ("id", host.Id), ("name", host.Name), ("ip", host.Ip));
                }

                if (ip.Bootp is not null)
                {
                    KeptXml.Write(w, ip.Bootp);
                }

                w.Close("dhcp");
            }

            w.Close("ip");
        }

        foreach (XElement element in KeptAfterIps)
        {
            KeptXml.Write(w, element);
        }

        w.Close("network");
        return w.ToString();
    }

    /// <summary>
    /// A copy whose lists are its own, for net-update to change while this one stays as it was. Kept next to the fields
    /// so a field added here is copied too.
    /// </summary>
    public TestNetworkDef Copy() => new()
    {
        Name = Name,
        Uuid = Uuid,
        ForwardMode = ForwardMode,
        ForwardInterfaces = [.. ForwardInterfaces],
        ForwardAddresses = [.. ForwardAddresses],
        Metadata = Metadata is null ? null : new XElement(Metadata),
        Ipv6NoGateway = Ipv6NoGateway,
        TrustGuestRxFilters = TrustGuestRxFilters,
        ForwardManaged = ForwardManaged,
        ForwardPf = ForwardPf,
        ForwardDriver = ForwardDriver,
        ForwardNat = ForwardNat is null ? null : new XElement(ForwardNat),
        Bridge = Bridge,
        Stp = Stp,
        Delay = Delay,
        Mtu = Mtu,
        Mac = Mac,
        DomainName = DomainName,
        MacTableManager = MacTableManager,
        BridgeZone = BridgeZone,
        DomainLocalOnly = DomainLocalOnly,
        KeptBeforeIps = [.. KeptBeforeIps.Select(e => new XElement(e))],
        KeptAfterIps = [.. KeptAfterIps.Select(e => new XElement(e))],
        Ips = [.. Ips.Select(ip => new IpDef
        {
            Family = ip.Family,
            Address = ip.Address,
            Netmask = ip.Netmask,
            Prefix = ip.Prefix,
            LocalPtr = ip.LocalPtr,
            Ranges = [.. ip.Ranges],
            Hosts = [.. ip.Hosts],
            Leases = ip.Leases.ToDictionary(p => p.Key, p => new XElement(p.Value)),
            Tftp = ip.Tftp is null ? null : new XElement(ip.Tftp),
            Bootp = ip.Bootp is null ? null : new XElement(ip.Bootp),
        })],
    };

    /// <summary>One <c>&lt;ip&gt;</c> element.</summary>
    internal sealed class IpDef
    {
        public string? Family { get; init; }

        public string? Address { get; init; }

        public string? Netmask { get; init; }

        public string? Prefix { get; init; }

        /// <summary>The localPtr attribute (yes or no), or null.</summary>
        public string? LocalPtr { get; init; }

        public List<(string Start, string End)> Ranges { get; init; } = [];

        public List<DhcpHost> Hosts { get; init; } = [];

        /// <summary>A range's lease element (by start and end address), kept as written.</summary>
        public Dictionary<(string Start, string End), XElement> Leases { get; init; } = [];

        /// <summary>The tftp and dhcp/bootp elements, kept as written.</summary>
        public XElement? Tftp { get; init; }

        public XElement? Bootp { get; init; }
    }

    /// <summary>One static DHCP host.</summary>
    internal sealed record DhcpHost(string? Mac, string? Id, string? Name, string? Ip);

    // libvirt reads the bridge's attributes through XPath strings, where an empty value is no value.
    private static string? BridgeAttribute(XElement? bridge, string name)
        => (string?)bridge?.Attribute(name) is { Length: > 0 } value ? value : null;

    /// <summary>libvirt's checks of what each forward mode allows next to it, in its order.</summary>
    private static void CheckForward(string network, string? mode, int interfaces, int pfs, int ips, XElement? bridge, bool mtu)
    {
        string? bridgeName = BridgeAttribute(bridge, "name");
        string? zone = BridgeAttribute(bridge, "zone");
        switch (mode)
        {
            case null:
                break;
            case "route" or "nat" or "open":
                if (ips == 0)
                {
                    throw Xml($"{mode} forwarding requested, but no IP address provided for network '{network}'");
                }

                if (interfaces > 1)
                {
                    throw Xml($"multiple forwarding interfaces specified for network '{network}', only one is supported");
                }

                if (mode == "open" && interfaces > 0)
                {
                    throw Xml($"forward dev not allowed for network '{network}' with forward mode='{mode}'");
                }

                break;
            default:
                if (mode != "bridge")
                {
                    if (bridgeName is not null)
                    {
                        throw Xml($"bridge name not allowed in {mode} mode (network '{network}')");
                    }

                    if (zone is not null)
                    {
                        throw Xml($"bridge zone not allowed in {mode} mode (network '{network}')");
                    }

                    if (BridgeAttribute(bridge, "macTableManager") is not null)
                    {
                        throw Xml($"bridge macTableManager setting not allowed in {mode} mode (network '{network}')");
                    }
                }

                bool delay = CNumber.TryParseDecimal((string?)bridge?.Attribute("delay"), out ulong value) && value != 0;
                if (delay || BridgeAttribute(bridge, "stp") is not null || zone is not null)
                {
                    throw Xml($"bridge delay/stp/zone options only allowed in route, nat, and isolated mode, not in {mode} (network '{network}')");
                }

                if (bridgeName is not null && (interfaces > 0 || pfs > 0))
                {
                    throw Xml($"A network with forward mode='{mode}' can specify a bridge name or a forward dev, but not both (network '{network}')");
                }

                break;
        }

        if (mtu && mode is not (null or "nat" or "route" or "open"))
        {
            throw Xml($"mtu size only allowed in open, route, nat, and isolated mode, not in {mode} (network '{network}')");
        }

        static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Network, "XML error: " + message);
    }

    /// <summary>libvirt's checks of an &lt;ip&gt; element's address, netmask, prefix and family, in its order.</summary>
    private static void CheckIp(XElement ip, string network)
    {
        string address = (string?)ip.Attribute("address") ?? throw Config(ErrorCode.XmlError, $"XML error: Missing required address attribute in network '{network}'");
        if (!System.Net.IPAddress.TryParse(address, out System.Net.IPAddress? parsed))
        {
            throw Config(ErrorCode.XmlError, $"XML error: Invalid address '{address}' in network '{network}'");
        }

        string? netmask = (string?)ip.Attribute("netmask");
        System.Net.IPAddress? mask = null;
        if (netmask is not null && !System.Net.IPAddress.TryParse(netmask, out mask))
        {
            throw Config(ErrorCode.XmlError, $"XML error: Invalid netmask '{netmask}' in network '{network}'");
        }

        string? prefixText = (string?)ip.Attribute("prefix");
        uint prefix = 0;
        if (prefixText is not null && !uint.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
        {
            throw Config(ErrorCode.XmlError, $"XML error: Invalid value for attribute 'prefix' in element 'ip': '{prefixText}'. Expected non-negative integer value");
        }

        string? family = (string?)ip.Attribute("family");
        if (family is null or "ipv4")
        {
            if (parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                throw Config(ErrorCode.ConfigUnsupported, $"unsupported configuration: {family ?? "no"} family specified for non-IPv4 address '{address}' in network '{network}'");
            }

            if (mask is not null)
            {
                if (mask.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    throw Config(ErrorCode.ConfigUnsupported, $"unsupported configuration: Invalid netmask '{netmask}' for address '{address}' in network '{network}' (both must be IPv4)");
                }

                if (prefix > 0)
                {
                    throw Config(ErrorCode.ConfigUnsupported, $"unsupported configuration: Network '{network}' IP address cannot have both a prefix and a netmask");
                }
            }
            else if (prefix > 32)
            {
                throw Config(ErrorCode.ConfigUnsupported, $"unsupported configuration: Invalid IPv4 prefix '{prefix}' in network '{network}'");
            }
        }
        else if (family == "ipv6")
        {
            if (parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw Config(ErrorCode.ConfigUnsupported, $"unsupported configuration: Family 'ipv6' specified for non-IPv6 address '{address}' in network '{network}'");
            }

            if (netmask is not null)
            {
                throw Config(ErrorCode.ConfigUnsupported, $"unsupported configuration: netmask not allowed for IPv6 address '{address}' in network '{network}'");
            }

            if (prefix > 128)
            {
                throw Config(ErrorCode.ConfigUnsupported, $"unsupported configuration: Invalid IPv6 prefix '{prefix}' in network '{network}'");
            }
        }
        else
        {
            throw Config(ErrorCode.XmlError, $"XML error: Unrecognized family '{family}' in network '{network}'");
        }

        static LibvirtErrorException Config(ErrorCode code, string message) => new(code, ErrorDomain.Network, message);
    }
}
