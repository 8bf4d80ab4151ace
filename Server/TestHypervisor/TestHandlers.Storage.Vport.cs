using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Pools on a Fibre Channel adapter (<c>&lt;adapter type='fc_host'/&gt;</c>) as libvirt's test driver mocks them: a pool
/// created from XML brings up the vHBA scsi_host12 (the same copy of scsi_host11 that nodedev-create makes), and
/// destroying any such pool removes scsi_host12 again. Starting a defined pool makes no vHBA, so destroying it fails
/// once scsi_host12 is gone — after the pool has already gone inactive, as in libvirt.
/// </summary>
internal sealed partial class TestHandlers
{
    private const string MockVportName = "scsi_host12";

    private static (string Wwnn, string Wwpn)? FcHostAdapter(TestStoragePool pool)
    {
        XElement? adapter = pool.Source.Find(e => e.Name.LocalName == "adapter" && (string?)e.Attribute("type") == "fc_host");
        return adapter is null ? null : ((string?)adapter.Attribute("wwnn") ?? string.Empty, (string?)adapter.Attribute("wwpn") ?? string.Empty);
    }

    /// <summary>Adds the mock vHBA for a pool on an FC adapter; returns its name, or null for other pools.</summary>
    private string? CreatePoolVportLocked(TestStoragePool pool)
    {
        if (FcHostAdapter(pool) is not { } wwns)
        {
            return null;
        }

        _state.PutNodeDeviceLocked(MockVport(wwns.Wwnn, wwns.Wwpn));
        return MockVportName;
    }

    /// <summary>Removes the mock vHBA of a pool on an FC adapter; returns its name, or null for other pools.</summary>
    private string? DestroyPoolVportLocked(TestStoragePool pool)
    {
        if (FcHostAdapter(pool) is null)
        {
            return null;
        }

        if (_state.NodeDevices.Find(d => d.Name == MockVportName) is null)
        {
            throw new LibvirtErrorException(ErrorCode.NoNodeDevice, ErrorDomain.Test, $"Node device not found: no node device with matching name '{MockVportName}'");
        }

        _state.RemoveNodeDeviceLocked(MockVportName);
        return MockVportName;
    }

    /// <summary>The copy of scsi_host11 that libvirt's test driver passes off as a new vHBA.</summary>
    private TestNodeDevice MockVport(string wwnn, string wwpn)
    {
        // Without scsi_host11 the driver fails without setting an error.
        TestNodeDevice template = _state.NodeDevices.Find(d => d.Name == "scsi_host11")
            ?? throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.None, "An error occurred, but the cause is unknown");
        XElement copy = XElement.Parse(template.Xml);
        copy.Element("name")!.Value = MockVportName;
        if (copy.Element("capability")?.Element("capability") is { } fc && (string?)fc.Attribute("type") == "fc_host")
        {
            fc.Element("wwnn")?.SetValue(wwnn);
            fc.Element("wwpn")?.SetValue(wwpn);
        }

        return template with { Name = MockVportName, Xml = FormatNodeDevice(copy) };
    }

    private static void PublishNodeDevice(ServerCall call, string? name, int lifecycleEvent)
    {
        if (name is not null)
        {
            call.Server.Events.PublishNodeDeviceEvent(0, name, new NodeDeviceEventLifecycleMsg { Dev = new NonnullNodeDevice { Name = name }, Event = lifecycleEvent });
        }
    }
}
