using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// nodedev-create and nodedev-destroy as libvirt's test driver mocks them: a new vHBA is a copy of scsi_host11 named
/// scsi_host12 carrying the requested WWNs, made only when the named (or found) parent can host vports.
/// </summary>
internal sealed partial class TestHandlers
{
    private const int NodeDeviceEventCreated = 0, NodeDeviceEventDeleted = 1;

    public override ValueTask<NodeDeviceCreateXmlRet> NodeDeviceCreateXmlAsync(ServerCall call, NodeDeviceCreateXmlArgs args)
    {
        TestFlags.Check(args.Flags, 1, "testNodeDeviceCreateXML");
        XElement root = ParseNodeDeviceXml(args.XmlDesc);
        XElement? parent = root.Element("parent");
        string? parentName = NonEmpty(parent?.Value);
        string? parentWwnn = (string?)parent?.Attribute("wwnn"), parentWwpn = (string?)parent?.Attribute("wwpn");
        if (parentWwnn is not null && parentWwpn is null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Nodedev, $"XML error: when providing parent wwnn='{parentWwnn}', the wwpn must also be provided");
        }

        if (parentWwnn is null && parentWwpn is not null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Nodedev, $"XML error: when providing parent wwpn='{parentWwpn}', the wwnn must also be provided");
        }

        (string Wwnn, string Wwpn) wwns = ParseNewDeviceWwns(root);
        string? fabric = (string?)parent?.Attribute("fabric_wwn");
        TestNodeDevice created;
        lock (_state.Gate)
        {
            List<TestNodeDevice> devices = _state.NodeDevices;
            TestNodeDevice? host = parentName is not null ? devices.Find(d => d.Name == parentName)
                : parentWwnn is not null ? devices.Find(d => FcHostValue(d, "wwnn") == parentWwnn && FcHostValue(d, "wwpn") == parentWwpn)
                : fabric is not null ? devices.Find(d => FcHostValue(d, "fabric_wwn") == fabric)
                : devices.Find(d => d.FilterCaps.Contains("vports"))
                  ?? throw NodeDeviceInternal("Could not find any vport capable device");
            if (host is null)
            {
                throw NodeDeviceInternal("Could not find parent device for 'new device'");
            }

            if (!host.FilterCaps.Contains("vports"))
            {
                throw NodeDeviceInternal($"Parent device {host.Name} is not capable of vport operations");
            }

            created = MockVport(wwns.Wwnn, wwns.Wwpn);
            _state.PutNodeDeviceLocked(created);
        }

        call.Server.Events.PublishNodeDeviceEvent(0, created.Name, new NodeDeviceEventLifecycleMsg { Dev = new NonnullNodeDevice { Name = created.Name }, Event = NodeDeviceEventCreated });
        return new(new NodeDeviceCreateXmlRet { Dev = new NonnullNodeDevice { Name = created.Name } });
    }

    public override ValueTask NodeDeviceDestroyAsync(ServerCall call, NodeDeviceDestroyArgs args)
    {
        lock (_state.Gate)
        {
            TestNodeDevice device = _state.NodeDeviceByName(args.Name);

            // The driver reports a device that is no FC HBA, or whose parent is gone, but still returns success; the
            // client sees a destroyed device that remains.
            if (!device.FilterCaps.Contains("fc_host") || device.Parent is null || _state.NodeDevices.Find(d => d.Name == device.Parent) is null)
            {
                return default;
            }

            _state.RemoveNodeDeviceLocked(device.Name);
        }

        call.Server.Events.PublishNodeDeviceEvent(0, args.Name, new NodeDeviceEventLifecycleMsg { Dev = new NonnullNodeDevice { Name = args.Name }, Event = NodeDeviceEventDeleted });
        return default;
    }

    private static XElement ParseNodeDeviceXml(string xml)
    {
        XElement root = TestXml.ParseElement(xml, "node_device_definition", ErrorDomain.Nodedev);

        if (root.Name.LocalName != "device")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: expecting root element of 'device', not '{root.Name.LocalName}'");
        }

        if (!root.Elements("capability").Any())
        {
            throw NodeDeviceInternal("no device capabilities for 'new device'");
        }

        return root;
    }

    /// <summary>The WWNs of the new device's fc_host capability; the test driver cannot generate missing ones.</summary>
    private static (string Wwnn, string Wwpn) ParseNewDeviceWwns(XElement root)
    {
        foreach (XElement cap in root.Elements("capability").Where(c => (string?)c.Attribute("type") == "scsi_host"))
        {
            foreach (XElement sub in cap.Elements("capability"))
            {
                string? type = (string?)sub.Attribute("type");
                if (type is null)
                {
                    throw NodeDeviceInternal("missing SCSI host capability type for 'new device'");
                }

                if (type == "fc_host")
                {
                    string wwnn = NonEmpty(sub.Element("wwnn")?.Value) ?? throw NodeDeviceInternal("no WWNN supplied for 'new device', and auto-generation failed");
                    string wwpn = NonEmpty(sub.Element("wwpn")?.Value) ?? throw NodeDeviceInternal("no WWPN supplied for 'new device', and auto-generation failed");
                    return (wwnn, wwpn);
                }

                if (type != "vport_ops")
                {
                    throw NodeDeviceInternal($"unknown SCSI host capability type '{type}' for 'new device'");
                }
            }
        }

        throw NodeDeviceInternal("Device is not a fibre channel HBA");
    }

    private static string? FcHostValue(TestNodeDevice device, string element)
        => device.FilterCaps.Contains("fc_host")
            ? NonEmpty(XElement.Parse(device.Xml).Element("capability")?.Elements("capability").FirstOrDefault(c => (string?)c.Attribute("type") == "fc_host")?.Element(element)?.Value)
            : null;

    private static string FormatNodeDevice(XElement device)
    {
        var output = new System.Text.StringBuilder();
        Domains.LibvirtXmlWriter.WriteElement(output, device, 0);
        return output.ToString();
    }

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static LibvirtErrorException NodeDeviceInternal(string message) => new(ErrorCode.InternalError, ErrorDomain.Nodedev, $"internal error: {message}");
}
