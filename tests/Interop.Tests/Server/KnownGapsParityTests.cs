using System.Text.RegularExpressions;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Three places where the test hypervisor used to differ from libvirtd 9.0.0's test driver: net-update of port groups,
/// DNS records and forward interfaces; snapshots with external memory and per-disk requests; and SCSI host devices,
/// which get drive addresses and implicit controllers. Each test runs one virsh sequence against both and demands the
/// same output.
/// </summary>
public sealed partial class KnownGapsParityTests
{
    private const string DefinedNetworkXml = """
        <network>
          <name>n1</name>
          <forward mode='bridge'/>
          <bridge name='br5'/>
          <dns><forwarder addr='8.8.8.8'/></dns>
          <portgroup name='a'/>
        </network>
        """;

    private const string ScsiHostdevDomainXml = """
        <domain type='test'>
          <name>h1</name>
          <memory>1048576</memory>
          <vcpu>1</vcpu>
          <os><type>hvm</type></os>
          <devices>
            <hostdev mode='subsystem' type='scsi'>
              <source>
                <adapter name='scsi_host0'/>
                <address bus='0' target='0' unit='0'/>
              </source>
            </hostdev>
          </devices>
        </domain>
        """;

    private const string MixedScsiDomainXml = """
        <domain type='test'>
          <name>h3</name>
          <memory>1048576</memory>
          <vcpu>1</vcpu>
          <os><type>hvm</type></os>
          <devices>
            <disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='sda' bus='scsi'/></disk>
            <disk type='file' device='disk'><source file='/tmp/b.img'/><target dev='sdb'/></disk>
            <controller type='scsi' index='0' model='virtio-scsi'/>
            <hostdev mode='subsystem' type='scsi' rawio='yes'>
              <source><adapter name='scsi_host1'/><address bus='0' target='1' unit='2'/></source>
              <readonly/>
            </hostdev>
            <hostdev mode='subsystem' type='scsi' managed='yes'>
              <source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool'><host name='example.com' port='3260'/></source>
              <shareable/>
            </hostdev>
            <hostdev mode='subsystem' type='scsi'>
              <source><adapter name='scsi_host2'/><address bus='0' target='0' unit='0'/></source>
              <address type='drive' controller='3' bus='0' target='0' unit='5'/>
            </hostdev>
            <hostdev mode='subsystem' type='pci'>
              <source><address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/></source>
            </hostdev>
          </devices>
        </domain>
        """;

    private const string AttachedHostdevXml = """
        <hostdev mode='subsystem' type='scsi' rawio='yes'>
          <source><adapter name='scsi_host1'/><address bus='0' target='1' unit='2'/></source>
          <readonly/>
        </hostdev>
        """;

    [Fact]
    public async Task NetUpdatePortGroupsMatchLibvirtd()
    {
        string output = await SameAsync(
            """
            net-update default add portgroup "<portgroup name='pg1' default='YES' trustGuestRxFilters='yes'><bandwidth><inbound average='1000'/></bandwidth><vlan><tag id='42'/></vlan></portgroup>";
            net-update default add portgroup "<portgroup name='pg1'/>";
            net-update default add-first portgroup "<portgroup name='pg0'/>";
            net-update default add portgroup "<portgroup name='pg2' default='yes'/>";
            net-dumpxml default;
            net-update default modify portgroup "<portgroup name='pgX'/>";
            net-update default modify portgroup "<portgroup name='pg0' default='yes'/>";
            net-update default modify portgroup "<portgroup name='pg1' default='no'/>";
            net-update default delete portgroup "<portgroup name='nope'/>";
            net-update default delete portgroup "<portgroup/>";
            net-update default add portgroup "<pg name='x'/>";
            net-update default add portgroup "<portgroup name='bad' trustGuestRxFilters='maybe'/>";
            net-dumpxml default;
            net-update default delete portgroup "<portgroup name='pg0'/>";
            net-update default delete portgroup "<portgroup name='pg1'/>";
            net-dumpxml default
            """);
        Assert.Contains(
            "  <portgroup name='pg0'>\n  </portgroup>\n  <portgroup name='pg1' default='yes' trustGuestRxFilters='yes'>\n    <vlan>\n      <tag id='42'/>\n"
            + "    </vlan>\n    <bandwidth>\n      <inbound average='1000'/>\n    </bandwidth>\n  </portgroup>\n</network>",
            output,
            StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: there is an existing portgroup entry in network 'default' that matches \"<portgroup name='pg1'>\"", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: a different portgroup entry in network 'default' is already set as the default. Only one default is allowed.", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: couldn't find a portgroup entry in network 'default' matching <portgroup name='pgX'>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Missing required name attribute in portgroup", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: unexpected element <pg>, expecting <portgroup>, while updating network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'trustGuestRxFilters' in element 'portgroup': 'maybe'.\n", output, StringComparison.Ordinal);
        string stdout = output[..output.IndexOf("\n--- stderr\n", StringComparison.Ordinal)];
        string last = stdout[stdout.LastIndexOf("<network>", StringComparison.Ordinal)..];
        Assert.Contains("  </ip>\n</network>", last, StringComparison.Ordinal);
        Assert.DoesNotContain("<portgroup", last, StringComparison.Ordinal);
        Assert.DoesNotContain("not supported by the connection driver", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetUpdateDnsRecordsMatchLibvirtd()
    {
        string output = await SameAsync(
            """
            net-update default modify dns-txt "<txt name='t1' value='v1'/>";
            net-update default add dns-txt "<txt name='t 1' value='v1'/>";
            net-update default add dns-txt "<txt value='v1'/>";
            net-update default add dns-txt "<txt name='t1'/>";
            net-update default delete dns-txt "<txt name='t1'/>";
            net-update default add dns-txt "<txt name='t1' value='v1'/>";
            net-update default add dns-txt "<txt name='t1' value='v2'/>";
            net-update default add-first dns-txt "<txt name='t0' value='v0'/>";
            net-update default add dns-srv "<srv service='s' protocol='tcp' target='a.b' port='80' priority='5' weight='3' domain='d.e'/>";
            net-update default add dns-srv "<srv service='s' protocol='tcp'/>";
            net-update default add dns-srv "<srv protocol='tcp'/>";
            net-update default add dns-srv "<srv service='s'/>";
            net-update default add dns-srv "<srv service='s.x' protocol='tcp'/>";
            net-update default add dns-srv "<srv service='s' protocol='t.cp'/>";
            net-update default add dns-srv "<srv service='s2' protocol='tcp' port='80'/>";
            net-update default add dns-srv "<srv service='s2' protocol='tcp' target='x' port='0'/>";
            net-update default add dns-srv "<srv service='s2' protocol='tcp' target='x' priority='70000'/>";
            net-update default add dns-srv "<srv service='s2' protocol='udp' target='x' weight='0'/>";
            net-update default modify dns-srv "<srv service='s'/>";
            net-dumpxml default;
            net-update default delete dns-srv "<srv service='zz'/>";
            net-update default delete dns-srv "<srv service='s2'/>";
            net-update default add dns-host "<host ip='192.168.122.5'><hostname>h1</hostname><hostname>h1b</hostname></host>";
            net-update default add dns-host "<host ip='192.168.122.5'><hostname>h2</hostname></host>";
            net-update default add dns-host "<host ip='192.168.122.6'><hostname>h1</hostname></host>";
            net-update default add-first dns-host "<host ip='fe80::0001'><hostname>h6</hostname></host>";
            net-update default add dns-host "<host><hostname>h7</hostname></host>";
            net-update default add dns-host "<host ip='1.2.3.4'/>";
            net-update default add dns-host "<host ip='1.2.3.x'><hostname>a</hostname></host>";
            net-update default modify dns-host "<host ip='1.2.3.4'><hostname>a</hostname></host>";
            net-update default delete dns-host "<host/>";
            net-update default delete dns-host "<host><hostname>h1</hostname></host>";
            net-update default delete dns-host "<host><hostname>nope</hostname></host>";
            net-dumpxml default;
            net-update default delete dns-host "<host ip='fe80::1'/>";
            net-update default delete dns-txt "<txt name='t0'/>";
            net-update default delete dns-txt "<txt name='t1'/>";
            net-update default delete dns-srv "<srv service='s'/>";
            net-update default delete dns-host "<host ip='192.168.122.5'/>";
            net-update default delete dns-host "<host ip='192.168.122.6'/>";
            net-dumpxml default
            """);
        Assert.Contains(
            "  <dns>\n    <txt name='t0' value='v0'/>\n    <txt name='t1' value='v1'/>\n"
            + "    <srv service='s' protocol='tcp' domain='d.e' target='a.b' port='80' priority='5' weight='3'/>\n"
            + "    <srv service='s2' protocol='udp' target='x'/>\n  </dns>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains(
            "    <host ip='fe80::1'>\n      <hostname>h6</hostname>\n    </host>\n    <host ip='192.168.122.5'>\n      <hostname>h1</hostname>\n"
            + "      <hostname>h1b</hostname>\n    </host>\n    <host ip='192.168.122.6'>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("error: Operation not supported: DNS TXT records cannot be modified, only added or deleted", output, StringComparison.Ordinal);
        Assert.Contains("error: prohibited character in DNS TXT record name 't 1' of network default", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: there is already a DNS TXT record with name 't1' in network default", output, StringComparison.Ordinal);
        Assert.Contains("error: missing required protocol attribute in DNS SRV record 's' of network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("error: DNS SRV port attribute not permitted without target for service 's2' in network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("error: Invalid DNS SRV priority attribute for service 's2' in network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: there is already at least one DNS HOST record with a matching field in network default", output, StringComparison.Ordinal);
        Assert.Contains("error: Missing ip and hostname in network 'default' DNS HOST record", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: multiple matching DNS HOST records were found in network default", output, StringComparison.Ordinal);
        Assert.Contains("error: Invalid IP address in network 'default' DNS HOST record", output, StringComparison.Ordinal);

        // Once the last record goes, the dns element goes too.
        string stdout = output[..output.IndexOf("\n--- stderr\n", StringComparison.Ordinal)];
        string last = stdout[stdout.LastIndexOf("<network>", StringComparison.Ordinal)..];
        Assert.DoesNotContain("<dns", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetUpdateForwardInterfacesAndRefusedSectionsMatchLibvirtd()
    {
        string output = await SameAsync(
            """
            net-update default add forward-interface "<interface dev='eth0'/>" --live --config;
            net-update default modify forward-interface "<interface dev='eth0'/>";
            net-update default add forward-interface "<interface dev='eth0'/>";
            net-update default add forward-interface "<interface dev='eth1'/>";
            net-update default add forward-interface "<interface/>";
            net-update default add forward-interface "<iface dev='x'/>";
            net-update default delete forward-interface "<interface dev='eth7'/>";
            net-dumpxml default;
            net-update default delete forward-interface "<interface dev='eth0'/>";
            net-dumpxml default;
            net-destroy default;
            net-dumpxml default;
            net-update default add forward "<forward mode='route'/>";
            net-update default add forward-pf "<pf dev='eth0'/>";
            net-update default add bridge "<bridge name='x'/>";
            net-update default add domain "<domain name='x'/>";
            net-update default add ip "<ip address='1.2.3.4'/>";
            net-update default add nonsense "<x/>"
            """);
        Assert.Contains("Updated network default persistent config and live state", output, StringComparison.Ordinal);
        Assert.Contains("  <forward dev='eth0' mode='nat'>\n    <interface dev='eth0'/>\n  </forward>\n", output, StringComparison.Ordinal);
        Assert.Contains("error: Operation not supported: forward interface entries cannot be modified, only added or deleted", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: there is an existing interface entry in network 'default' that matches \"<interface dev='eth0'>\"", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: multiple forwarding interfaces specified for network 'default', only one is supported", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing dev attribute in <interface> element", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: couldn't find an interface entry in network 'default' matching <interface dev='eth7'>", output, StringComparison.Ordinal);
        Assert.Contains("error: Operation not supported: can't update 'forward pf' section of network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("error: Operation not supported: can't update 'ip' section of network 'default'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetUpdateOfDefinedNetworkMatchesLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("n1.xml", DefinedNetworkXml);
        string output = await pair.VirshSameAsync(
            $"net-define {xml}; net-dumpxml n1; "
            + """
            net-update n1 add portgroup "<portgroup name='pg1' default='yes' trustGuestRxFilters='no'><bandwidth><inbound average='1000'/></bandwidth><vlan><tag id='42'/></vlan><virtualport type='openvswitch'/></portgroup>";
            net-update n1 add-first dns-host "<host ip='10.0.0.1'><hostname>x</hostname></host>";
            net-update n1 add-first dns-txt "<txt name='a' value='b'/>";
            net-update n1 add forward-interface "<interface dev='eth0'/>";
            net-update n1 add forward-interface "<interface dev='eth1'/>" --live;
            net-dumpxml n1;
            net-start n1;
            net-update n1 add-first portgroup "<portgroup name='pg0'/>" --config;
            net-update n1 add dns-txt "<txt name='c' value='d'/>" --live;
            net-dumpxml n1;
            net-destroy n1;
            net-dumpxml n1
            """);
        Assert.Contains("  <dns>\n    <forwarder addr='8.8.8.8'/>\n    <txt name='a' value='b'/>\n    <host ip='10.0.0.1'>\n", output, StringComparison.Ordinal);
        Assert.Contains(
            "  <portgroup name='a'>\n  </portgroup>\n  <portgroup name='pg1' default='yes' trustGuestRxFilters='no'>\n    <vlan>\n      <tag id='42'/>\n    </vlan>\n"
            + "    <virtualport type='openvswitch'/>\n    <bandwidth>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("error: XML error: A network with forward mode='bridge' can specify a bridge name or a forward dev, but not both (network 'n1')", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: network is not running", output, StringComparison.Ordinal);
        Assert.Contains("    <txt name='c' value='d'/>\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExternalMemorySnapshotsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string m = Path.Combine(pair.Directory, "mem");
        string d = Path.Combine(pair.Directory, "disk");
        string output = await pair.VirshSameAsync(
            $"snapshot-create-as test s1 --memspec file={m}1,snapshot=external; snapshot-create-as test s2 --memspec snapshot=external; "
            + $"snapshot-create-as test s3 --memspec file={m}3,snapshot=internal; snapshot-create-as test s4 --memspec file={m}4,snapshot=no; "
            + $"snapshot-create-as test s6 --memspec {m}6 --live; snapshot-create-as test s7 --memspec file={m}7,snapshot=manual; "
            + $"snapshot-create-as test s8 --memspec snapshot=no; snapshot-create-as test s9 --memspec file={m}9 --disk-only; "
            + $"snapshot-create-as test a1 --memspec file={m}1,snapshot=external --diskspec vda,snapshot=external,file={d}1; "
            + $"snapshot-create-as test a2 --memspec file={m}2 --diskspec vda,snapshot=no; "
            + $"snapshot-create-as test a3 --memspec file={m}3 --diskspec vda,snapshot=internal; "
            + "snapshot-create-as test a4 --diskspec vda,snapshot=manual; "
            + $"snapshot-create-as test a5 --diskspec vda,snapshot=external,file={d}5; snapshot-create-as test a7 --diskspec vda,snapshot=external; "
            + $"snapshot-create-as test a8 --diskspec vdb,snapshot=external,file={d}8; snapshot-create-as test a9 --memspec snapshot=internal; "
            + "snapshot-list test --tree; snapshot-dumpxml test s8; snapshot-dumpxml test a1; snapshot-dumpxml test a2; snapshot-info test a1; "
            + $"destroy test; snapshot-create-as test b1 --memspec file={m}6 --diskspec vda,snapshot=external,file={d}6; "
            + $"snapshot-create-as test b2 --memspec file={m}7; snapshot-create-as test b3 --memspec snapshot=no; "
            + "snapshot-create-as test b4 --memspec snapshot=internal; snapshot-dumpxml test b1; snapshot-dumpxml test b4; "
            + "snapshot-revert test a1; snapshot-revert test b1; snapshot-delete test a1; snapshot-delete test b1 --children; snapshot-list test",
            Mask);
        Assert.Contains("error: unsupported configuration: source for disk 'vda' is not a regular file; refusing to generate external snapshot name", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: external memory snapshots require a filename", output, StringComparison.Ordinal);
        Assert.Contains($"error: XML error: memory filename '{m}3' requires external snapshot", output, StringComparison.Ordinal);
        Assert.Contains("error: Operation not supported: 'manual' snapshot mode is not supported by the test driver", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: disk 'vda' must use snapshot mode 'internal'", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: no disk named 'vdb'", output, StringComparison.Ordinal);
        Assert.Contains(
            $"  <memory snapshot='external' file='{m}1'/>\n  <disks>\n    <disk name='vda' snapshot='external' type='file'>\n      <source file='{d}1'/>\n    </disk>\n  </disks>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("  <memory snapshot='internal'/>\n  <disks>\n    <disk name='vda' snapshot='internal'/>\n", output, StringComparison.Ordinal);
        Assert.Contains($"  <memory snapshot='external' file='{m}2'/>\n  <disks>\n    <disk name='vda' snapshot='no'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("Location:       external\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Domain snapshot s1 created", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Domain snapshot a5 created", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SnapshotDisksAlignLikeLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string image = pair.WriteFile("disk1.qcow2", string.Empty);
        string plain = pair.WriteFile("disk2", string.Empty);
        string folder = System.IO.Directory.CreateDirectory(Path.Combine(pair.Directory, "dir.d")).FullName;
        string xml = pair.WriteFile("d2.xml", $"""
            <domain type='test'>
              <name>d2</name>
              <memory>1048576</memory>
              <vcpu>1</vcpu>
              <os><type>hvm</type></os>
              <devices>
                <disk type='file' device='disk'><source file='{image}'/><target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk' snapshot='no'><source file='{plain}'/><target dev='vdb' bus='virtio'/></disk>
                <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>
                <disk type='block' device='disk'><source dev='{folder}'/><target dev='vdc' bus='virtio'/></disk>
              </devices>
            </domain>
            """);
        string m = Path.Combine(pair.Directory, "mem");
        string output = await pair.VirshSameAsync(
            $"define {xml}; start d2; snapshot-create-as d2 e1 --memspec file={m} --diskspec vdc,snapshot=no; snapshot-dumpxml d2 e1; "
            + $"snapshot-create-as d2 e2 --memspec file={m} --diskspec vdc,snapshot=external,file=/tmp/x.img --diskspec vdb,snapshot=external; "
            + $"snapshot-create-as d2 e3 --memspec file={m} --diskspec vdc,snapshot=no --diskspec vdb,snapshot=external,driver=qcow2,file=/tmp/b.img "
            + "--diskspec hdc,snapshot=external,file=/tmp/c.img; snapshot-dumpxml d2 e3; "
            + $"snapshot-create-as d2 e4 --memspec file={m} --diskspec vdc,snapshot=internal --diskspec vda,snapshot=no; "
            + "snapshot-create-as d2 e5 --diskspec vdb,snapshot=no; snapshot-create-as d2 e6 --diskspec vda,snapshot=no; "
            + $"snapshot-create-as d2 e7 --diskspec vda,file=/tmp/q; snapshot-create-as d2 e8 --memspec file={m} --diskspec vda,snapshot=internal,file=/tmp/q; "
            + $"snapshot-create-as d2 e9 --memspec file={m} --diskspec vda --diskspec vda; "
            + $"snapshot-create-as d2 e10 --memspec file={m} --diskspec {plain},snapshot=no --diskspec vdc,snapshot=no; "
            + "snapshot-create-as d2 e11 --memspec file=relative --diskspec vdc,snapshot=no; "
            + $"snapshot-create-as d2 e12 --memspec file={m} --diskspec vdc,snapshot=external,file=rel; "
            + $"snapshot-create-as d2 e13 --memspec file={m} --diskspec vdc,snapshot=external; "
            + "snapshot-list d2 --tree; snapshot-dumpxml d2 e10; snapshot-info d2 e1; "
            + $"snapshot-create-as d2 e1 --memspec file={m} --diskspec vdc,snapshot=no",
            Mask);
        string stem = image[..^".qcow2".Length];
        Assert.Contains(
            $"    <disk name='vda' snapshot='external' type='file'>\n      <source file='{stem}.e1'/>\n    </disk>\n    <disk name='vdb' snapshot='no'/>\n"
            + "    <disk name='vdc' snapshot='no'/>\n    <disk name='hdc' snapshot='no'/>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("    <disk name='vdb' snapshot='external' type='file'>\n      <driver type='qcow2'/>\n      <source file='/tmp/b.img'/>\n    </disk>\n", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: source for disk 'vdc' is not a regular file; refusing to generate external snapshot name", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: file '/tmp/q' for disk 'vda' requires use of external snapshot mode", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: disk 'vda' specified twice", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: memory snapshot file path (relative) must be absolute", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: disk snapshot image path 'rel' must be absolute", output, StringComparison.Ordinal);
        Assert.Contains("error: operation failed: domain moment e1 already exists", output, StringComparison.Ordinal);
        Assert.Contains("Domain snapshot e10 created", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScsiHostdevsGetAddressesAndControllersLikeLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string single = pair.WriteFile("h1.xml", ScsiHostdevDomainXml);
        string mixed = pair.WriteFile("h3.xml", MixedScsiDomainXml);
        string attached = pair.WriteFile("hd.xml", AttachedHostdevXml);
        string output = await pair.VirshSameAsync(
            $"define {single}; dumpxml h1; define {mixed}; dumpxml h3; attach-device h1 {attached} --config; dumpxml h1 --inactive; "
            + $"attach-device test {attached}; dumpxml test");
        Assert.Contains(
            "  <devices>\n    <controller type='scsi' index='0'/>\n    <hostdev mode='subsystem' type='scsi' managed='no'>\n      <source>\n"
            + "        <adapter name='scsi_host0'/>\n        <address bus='0' target='0' unit='0'/>\n      </source>\n"
            + "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n    </hostdev>\n  </devices>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains(
            "    <controller type='scsi' index='0' model='virtio-scsi'/>\n    <controller type='scsi' index='1' model='virtio-scsi'/>\n"
            + "    <controller type='scsi' index='2' model='virtio-scsi'/>\n    <controller type='scsi' index='3' model='virtio-scsi'/>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("      <readonly/>\n      <address type='drive' controller='0' bus='0' target='0' unit='2'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<source protocol='iscsi' name='iqn.2014-08.com.example:iscsi-nopool/0'>", output, StringComparison.Ordinal);
        Assert.Contains("      <shareable/>\n      <address type='drive' controller='0' bus='0' target='0' unit='3'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("this function is not supported by the connection driver: virDomainAttachDeviceFlags", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScsiHostdevPlacementRulesMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string commands = string.Concat(ScsiPlacementCases().Select((devices, i) =>
        {
            string name = $"c{i}";
            string path = pair.WriteFile($"{name}.xml", $"<domain type='test'><name>{name}</name><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>{devices}</devices></domain>");
            return $"define {path}; dumpxml {name}; ";
        }));
        string output = await pair.VirshSameAsync(commands);
        Assert.Contains("error: unsupported configuration: using disk target name 'sda' conflicts with SCSI host device address controller='0' bus='0' target='0' unit='0\n", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: SCSI host device must use 'drive' address type", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Hostdev already exists in the domain configuration", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: SCSI host address controller='0' bus='0' target='0' unit='0' in use by a SCSI disk", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unfiltered sgio is no longer supported", output, StringComparison.Ordinal);

        // A controller written without an index comes after the one the host devices needed at parse time.
        Assert.Contains("    <controller type='scsi' index='1' model='lsisas1068'/>\n    <controller type='scsi' index='0'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("    <controller type='scsi' index='0' model='lsilogic'/>\n    <controller type='usb' index='0'/>\n    <controller type='scsi' index='1' model='lsilogic'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<address type='drive' controller='1' bus='0' target='0' unit='1'/>", output, StringComparison.Ordinal);
    }

    private static IEnumerable<string> ScsiPlacementCases()
    {
        static string Hostdev(int unit, string extra = "", string attributes = "")
            => $"<hostdev mode='subsystem' type='scsi'{attributes}><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='{unit}'/></source>{extra}</hostdev>";
        static string Drive(int controller, int unit) => $"<address type='drive' controller='{controller}' bus='0' target='0' unit='{unit}'/>";
        const string ScsiDisk = "<disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='sda' bus='scsi'/></disk>";

        yield return ScsiDisk + Hostdev(0, Drive(0, 0));
        yield return "<controller type='scsi' model='lsisas1068'/>" + Hostdev(1) + Hostdev(2) + Hostdev(3);
        yield return string.Concat(Enumerable.Range(1, 9).Select(u => Hostdev(u)));
        yield return Hostdev(0, "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>");
        yield return "<controller type='scsi' index='0' model='lsilogic'/><disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='sdc' bus='scsi'/></disk>"
            + Hostdev(1) + Hostdev(2, Drive(2, 1)) + Hostdev(3) + "<controller type='usb' index='0'/>";
        yield return "<controller type='scsi' index='1' model='buslogic'/>" + Hostdev(1) + Hostdev(2, Drive(0, 0)) + Hostdev(3, Drive(1, 0));
        yield return Hostdev(1) + Hostdev(1);
        yield return "<disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='sda' bus='scsi'/>" + Drive(0, 0) + "</disk>" + Hostdev(1, Drive(0, 0));
        yield return "<disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='sdb' bus='scsi'/></disk><disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='sdh'/></disk>"
            + Hostdev(1) + Hostdev(2) + Hostdev(3, Drive(1, 0));
        yield return Hostdev(1, attributes: " sgio='unfiltered'");
    }

    private static Task<string> SameAsync(string commands) => TestDriverPair.VirshSameOnFreshPairAsync(commands);

    /// <summary>Snapshot creation times and the dates listings print follow each side's clock.</summary>
    private static string Mask(string text) => Epoch().Replace(Timestamp().Replace(text, "TIME"), "EPOCH");

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b1[7-9]\d{8}\b")]
    private static partial Regex Epoch();
}
