using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Host devices: the fixed set of libvirt's test:///default.</summary>
public sealed partial class TestState
{
    /// <summary>
    /// Devices in the order libvirtd's test driver lists them. Never modified in place: nodedev-create and
    /// nodedev-destroy swap in a new list under <see cref="Gate"/>, so readers need no lock.
    /// </summary>
    internal List<TestNodeDevice> NodeDevices { get; private set; } = [];

    /// <summary>Replaces the device of the same name where it stands, or appends it; caller holds <see cref="Gate"/>.</summary>
    internal void PutNodeDeviceLocked(TestNodeDevice device)
    {
        List<TestNodeDevice> devices = [.. NodeDevices];
        int index = devices.FindIndex(d => d.Name == device.Name);
        if (index >= 0)
        {
            devices[index] = device;
        }
        else
        {
            devices.Add(device);
        }

        NodeDevices = devices;
    }

    /// <summary>Removes the named device; caller holds <see cref="Gate"/>.</summary>
    internal void RemoveNodeDeviceLocked(string name) => NodeDevices = [.. NodeDevices.Where(d => d.Name != name)];

    /// <summary>The device named <paramref name="name"/>, or libvirt's not-found error.</summary>
    internal TestNodeDevice NodeDeviceByName(string name)
        => NodeDevices.Find(d => d.Name == name)
           ?? throw new LibvirtErrorException(ErrorCode.NoNodeDevice, ErrorDomain.Test, $"Node device not found: no node device with matching name '{name}'");

    private static string ScsiHostXml(string name, string parent, int host, int uniqueId, string wwnn, string wwpn, string fabric, bool vports) => $"""
        <device>
          <name>{name}</name>
          <parent>{parent}</parent>
          <capability type='scsi_host'>
            <host>{host}</host>
            <unique_id>{uniqueId}</unique_id>
            <capability type='fc_host'>
              <wwnn>{wwnn}</wwnn>
              <wwpn>{wwpn}</wwpn>
              <fabric_wwn>{fabric}</fabric_wwn>
            </capability>
        {(vports ? "    <capability type='vport_ops'>\n      <max_vports>0</max_vports>\n      <vports>0</vports>\n    </capability>\n" : string.Empty)}  </capability>
        </device>

        """;

    private void InitializeNodeDevices()
    {
        // libvirtd reads max_vports/vports from sysfs, which the test driver lacks, so both show 0 whatever its XML says.
        string[] scsi = ["scsi_host"];
        NodeDevices.Add(new TestNodeDevice("scsi_host1", "computer", scsi, ["scsi_host", "fc_host", "vports"], ScsiHostXml("scsi_host1", "computer", 1, 0, "2000000012341234", "1000000012341234", "2000000043214321", vports: true)));
        NodeDevices.Add(new TestNodeDevice("scsi_host11", "scsi_host1", scsi, ["scsi_host", "fc_host"], ScsiHostXml("scsi_host11", "scsi_host1", 11, 10, "2000000034563456", "1000000034563456", "2000000043214321", vports: false)));
        NodeDevices.Add(new TestNodeDevice("scsi_host2", "computer", scsi, ["scsi_host", "fc_host", "vports"], ScsiHostXml("scsi_host2", "computer", 2, 1, "2000000056785678", "1000000056785678", "2000000087658765", vports: true)));
        NodeDevices.Add(new TestNodeDevice("computer", null, ["system"], ["system"], """
            <device>
              <name>computer</name>
              <capability type='system'>
                <hardware>
                  <vendor>Libvirt</vendor>
                  <version>Test driver</version>
                  <serial>123456</serial>
                  <uuid>11111111-2222-3333-4444-555555555555</uuid>
                </hardware>
                <firmware>
                  <vendor>Libvirt</vendor>
                  <version>Test Driver</version>
                  <release_date>01/22/2007</release_date>
                </firmware>
              </capability>
            </device>

            """));
    }
}
