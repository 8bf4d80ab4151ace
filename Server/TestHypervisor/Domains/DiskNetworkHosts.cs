using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// The hosts of a network disk source: a TCP host without a port gets its protocol's well-known one, which libvirt
/// writes back from then on.
/// </summary>
internal static class DiskNetworkHosts
{
    private static readonly Dictionary<string, int> DefaultPorts = new(StringComparer.Ordinal)
    {
        ["http"] = 80,
        ["https"] = 443,
        ["ftp"] = 21,
        ["ftps"] = 990,
        ["tftp"] = 69,
        ["sheepdog"] = 7000,
        ["nbd"] = 10809,
        ["ssh"] = 22,
        ["iscsi"] = 3260,
        ["gluster"] = 24007,
        ["vxhs"] = 9999,
    };

    /// <summary>
    /// Rewrites the hosts of the disk's source and of its backing chain's sources as libvirt writes them back: name,
    /// port (the protocol's default for a TCP host without one), transport unless TCP, socket.
    /// </summary>
    public static void Normalise(XElement disk)
    {
        for (XElement? holder = disk; holder is not null; holder = holder.Element("backingStore"))
        {
            if ((string?)holder.Attribute("type") != "network" || holder.Element("source") is not XElement source)
            {
                continue;
            }

            int defaultPort = DefaultPorts.GetValueOrDefault((string?)source.Attribute("protocol") ?? "");
            foreach (XElement host in source.Elements("host"))
            {
                string? transport = (string?)host.Attribute("transport");
                bool unix = transport == "unix";
                int port = unix ? 0 : Port((string?)host.Attribute("port"));
                if (port == 0 && transport is null or "tcp")
                {
                    port = defaultPort;
                }

                host.ReplaceAttributes(
                    unix ? null : host.Attribute("name"),
                    port == 0 ? null : new XAttribute("port", port.ToString(CultureInfo.InvariantCulture)),
                    transport is null or "tcp" ? null : new XAttribute("transport", transport),
                    host.Attribute("socket"));
            }
        }
    }

    /// <summary>The refusals of libvirt's host parser, for the disk's source and its backing chain's.</summary>
    public static void CheckWhileParsing(XElement disk)
    {
        for (XElement? holder = disk; holder is not null; holder = holder.Element("backingStore"))
        {
            if ((string?)holder.Attribute("type") != "network")
            {
                continue;
            }

            foreach (XElement host in holder.Element("source")?.Elements("host") ?? [])
            {
                CheckHost(host);
            }
        }
    }

    private static void CheckHost(XElement host)
    {
        string? transport = (string?)host.Attribute("transport");
        if (transport is not (null or "tcp" or "unix" or "rdma"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: unknown protocol transport type '{transport}'");
        }

        bool socket = host.Attribute("socket") is not null;
        if (transport == "unix" && !socket)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: missing socket for unix transport");
        }

        if (transport != "unix" && socket)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: transport '{transport ?? "(null)"}' does not support socket attribute");
        }

        if (transport == "unix")
        {
            return;
        }

        if (host.Attribute("name") is null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: missing name for host");
        }

        if ((string?)host.Attribute("port") is string port)
        {
            if (!long.TryParse(port, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
                || value < 0 || value > uint.MaxValue)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: failed to parse port number '{port}'");
            }

            if (value > ushort.MaxValue)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: port '{port}' out of range");
            }
        }
    }

    // The parser has refused any port this cannot read.
    private static int Port(string? text)
        => int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : 0;
}
