using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// What libvirt's parser does to an &lt;interface&gt; beyond reading it: only some kinds take a &lt;virtualport&gt;
/// (and fill in its missing instance and interface ids), only some a &lt;filterref&gt;, a hostdev interface's
/// &lt;driver&gt; is the host device driver, a direct interface's mode defaults to vepa, and the children come out in libvirt's order.
/// </summary>
internal static class DomainInterfacePostParse
{
    public static void Apply(XElement nic)
    {
        string type = (string?)nic.Attribute("type") ?? string.Empty;
        if (nic.Element("virtualport") is XElement virtualPort)
        {
            NormaliseVirtualPort(virtualPort, type);
        }

        if (type is not ("network" or "bridge" or "ethernet"))
        {
            nic.Elements("filterref").Remove();
        }

        if (type == "hostdev" && nic.Element("driver") is XElement driver)
        {
            // Only the device driver's name is read; virtio queue settings do not apply to a passed-through NIC.
            driver.ReplaceWith((string?)driver.Attribute("name") is string name ? new XElement("driver", new XAttribute("name", name)) : null);
        }

        // Names of the kinds the host generates (vnet0, macvtap0, ...) are dropped from a definition, unless libvirt
        // is told the tap device is not its own.
        if (nic.Element("target") is XElement target && (string?)target.Attribute("managed") != "no"
            && (string?)target.Attribute("dev") is string dev && (dev.StartsWith("vnet", StringComparison.Ordinal)
                || dev.StartsWith("macvtap", StringComparison.Ordinal) || dev.StartsWith("macvlan", StringComparison.Ordinal)))
        {
            target.Attribute("dev")!.Remove();
            if (!target.HasAttributes)
            {
                target.Remove();
            }
        }

        if (type == "direct" && nic.Element("source") is XElement source && source.Attribute("mode") is null)
        {
            source.Add(new XAttribute("mode", "vepa"));
        }

        DomainChildOrder.SortInterface(nic);

        // libvirt writes the host device driver with the host device, straight after the MAC.
        if (type == "hostdev" && nic.Element("driver") is XElement hostDriver)
        {
            hostDriver.Remove();
            if (nic.Element("mac") is XElement mac)
            {
                mac.AddAfterSelf(hostDriver);
            }
            else
            {
                nic.AddFirst(hostDriver);
            }
        }
    }

    private static void NormaliseVirtualPort(XElement virtualPort, string type)
    {
        if (type is not ("network" or "bridge" or "vds" or "direct" or "hostdev"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: <virtualport> element unsupported for <interface type='{type}'>");
        }

        // A network interface may leave the type to the network's port; the others need it and a complete set.
        bool complete = type != "network";
        string? portType = (string?)virtualPort.Attribute("type");
        var input = new XElement(virtualPort);
        XElement parameters = input.Element("parameters") ?? new XElement("parameters");
        if (parameters.Parent is null)
        {
            input.Add(parameters);
        }

        if (portType is null or "802.1Qbg" && parameters.Attribute("instanceid") is null)
        {
            parameters.Add(new XAttribute("instanceid", DomainDefinition.FormatUuid(Guid.NewGuid().ToByteArray(bigEndian: true))));
        }

        if (portType is null or "openvswitch" && parameters.Attribute("interfaceid") is null)
        {
            parameters.Add(new XAttribute("interfaceid", DomainDefinition.FormatUuid(Guid.NewGuid().ToByteArray(bigEndian: true))));
        }

        XElement? parsed = NetworkVirtualPortXml.Parse(input, requireType: complete);
        if (complete && portType is not null)
        {
            CheckComplete(portType, parsed?.Element("parameters"));
        }

        virtualPort.ReplaceWith(parsed);
    }

    private static void CheckComplete(string portType, XElement? parameters)
    {
        string[] required = portType switch
        {
            "802.1Qbg" => ["managerid", "typeid", "typeidversion"],
            "802.1Qbh" => ["profileid"],
            "midonet" => ["interfaceid"],
            _ => [],
        };
        if (required.FirstOrDefault(name => parameters?.Attribute(name) is null) is string missing)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Net, $"XML error: missing {missing} in <virtualport type='{portType}'>");
        }
    }
}
