using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Domain XML gaps a sweep of libvirt's qemuxml2argvdata inputs found between our test hypervisor and libvirtd 9.0.0's
/// test driver: memory taken from the guest NUMA cells, the order and filtering of &lt;interface&gt; children, and
/// the &lt;virtualport&gt; of an interface (generated ids, kinds that refuse it, incomplete profiles), host-generated
/// tap names dropped, per-vCPU &lt;vcpus&gt; states with setvcpus, console ports, the random rng device, s390
/// zpci ids and domain security labels. Each test runs
/// virsh or python3-libvirt against both and demands the same output; every refusal sits next to an accepted case.
/// </summary>
public sealed class DomainXmlGapsParityTests
{
    private const string NumaOnlyMemoryXml = """
        <domain type='test'>
          <name>numamem</name>
          <vcpu>4</vcpu>
          <currentMemory>0</currentMemory>
          <os><type>hvm</type></os>
          <cpu>
            <topology sockets='2' cores='2' threads='1'/>
            <numa>
              <cell id='1' cpus='2-3' memory='100' unit='MiB'/>
              <cell id='0' cpus='0-1' memory='109550' unit='KiB'/>
            </numa>
          </cpu>
        </domain>
        """;

    private const string NoMemoryXml = """
        <domain type='test'>
          <name>nomem</name>
          <os><type>hvm</type></os>
        </domain>
        """;

    private const string InterfacesXml = """
        <domain type='test'>
          <name>nics</name>
          <memory>262144</memory>
          <os><type>hvm</type></os>
          <devices>
            <interface type='network'>
              <address type='pci' domain='0' bus='0' slot='3' function='0'/>
              <link state='down'/>
              <filterref filter='clean-traffic'/>
              <driver queues='2'/>
              <model type='virtio'/>
              <boot order='1'/>
              <target dev='vnet7'/>
              <source network='default'/>
              <mtu size='1500'/>
              <mac address='52:54:00:aa:bb:01'/>
            </interface>
            <interface type='hostdev' managed='yes'>
              <mac address='00:11:22:33:44:55'/>
              <source><address type='pci' domain='0x0000' bus='0x06' slot='0x12' function='0x1'/></source>
              <model type='virtio'/>
              <filterref filter='myfilter'/>
              <driver name='vfio' queues='4'/>
            </interface>
            <interface type='vhostuser'>
              <mac address='52:54:00:ee:96:6b'/>
              <source type='unix' path='/tmp/vhost0.sock' mode='server'/>
              <model type='virtio'/>
              <filterref filter='myfilter'/>
              <driver queues='4'/>
            </interface>
            <interface type='direct'>
              <source dev='eth0'/>
              <virtualport type='802.1Qbh'><parameters profileid='prof'/></virtualport>
            </interface>
          </devices>
        </domain>
        """;

    private const string VirtualPortXml = """
        <domain type='test'>
          <name>vport</name>
          <memory>262144</memory>
          <os><type>hvm</type></os>
          <devices>
            <interface type='bridge'>
              <source bridge='ovsbr0'/>
              <virtualport type='openvswitch'/>
            </interface>
            <interface type='bridge'>
              <source bridge='ovsbr0'/>
              <virtualport type='openvswitch'><parameters profileid='p1'/></virtualport>
            </interface>
            <interface type='network'>
              <source network='default'/>
              <virtualport/>
            </interface>
            <interface type='network'>
              <source network='default'/>
              <virtualport type='802.1Qbg'><parameters managerid='11' typeid='1193047' typeidversion='2'/></virtualport>
            </interface>
          </devices>
        </domain>
        """;

    // Defines the openvswitch domain, redefines it from its own XML and prints the generated interface ids each time.
    private const string InterfaceIdScript = """
        import re
        xml = open(sys.argv[2]).read()
        first = conn.defineXML(xml).XMLDesc(0)
        ids = re.findall(r"interfaceid='([^']*)'", first)
        print('ids', len(ids), all(re.fullmatch('[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', i) for i in ids))
        again = conn.defineXML(first).XMLDesc(0)
        print('kept', re.findall(r"interfaceid='([^']*)'", again) == ids)
        print(first)
        """;

    private const string VcpuStatesXml = """
        <domain type='test'>
          <name>vcpus</name>
          <memory>262144</memory>
          <vcpu current='1'>4</vcpu>
          <vcpus>
            <vcpu id='0' enabled='yes' order='1'/>
            <vcpu id='3' enabled='yes' hotpluggable='yes'/>
            <vcpu id='2' enabled='yes' hotpluggable='yes' order='2'/>
          </vcpus>
          <os><type>hvm</type></os>
        </domain>
        """;

    [Fact]
    public async Task VcpuStatesDecideTheCountAndFollowSetvcpus()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string good = pair.WriteFile("vcpus.xml", VcpuStatesXml);
        string[] refused =
        [
            pair.WriteFile("range.xml", VcpuStatesXml.Replace("id='3'", "id='4'", StringComparison.Ordinal)),
            pair.WriteFile("noenabled.xml", VcpuStatesXml.Replace("<vcpu id='2' enabled='yes'", "<vcpu id='2'", StringComparison.Ordinal)),
            pair.WriteFile("noid.xml", VcpuStatesXml.Replace("<vcpu id='2'", "<vcpu", StringComparison.Ordinal)),
            pair.WriteFile("badorder.xml", VcpuStatesXml.Replace("order='2'", "order='-2'", StringComparison.Ordinal)),
            pair.WriteFile("badstate.xml", VcpuStatesXml.Replace("hotpluggable='yes'", "hotpluggable='on'", StringComparison.Ordinal)),
            pair.WriteFile("fixed.xml", VcpuStatesXml.Replace("id='3' enabled='yes' hotpluggable='yes'", "id='3' enabled='no' hotpluggable='no'", StringComparison.Ordinal)),
        ];
        string output = await pair.VirshSameAsync(
            $"define {good}; dumpxml vcpus; vcpucount vcpus; setvcpus vcpus 3 --config --maximum; dumpxml vcpus; setvcpus vcpus 2 --config; "
            + "dumpxml vcpus; start vcpus; setvcpus vcpus 1 --live; dumpxml vcpus; vcpucount vcpus; undefine vcpus; destroy vcpus; "
            + string.Join("; ", refused.Select(f => "define " + f)));
        Assert.Contains(
            "  <vcpu placement='static' current='3'>4</vcpu>\n  <vcpus>\n    <vcpu id='0' enabled='yes' hotpluggable='no' order='1'/>\n"
            + "    <vcpu id='1' enabled='no' hotpluggable='yes'/>\n    <vcpu id='2' enabled='yes' hotpluggable='yes' order='2'/>\n"
            + "    <vcpu id='3' enabled='yes' hotpluggable='yes'/>\n  </vcpus>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("  <vcpu placement='static' current='2'>3</vcpu>\n", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: vcpu id '4' is out of range of maximum vcpu count", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Missing required attribute 'enabled' in element 'vcpu'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Missing required attribute 'id' in element 'vcpu'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'order' in element 'vcpu': '-2'. Expected non-negative integer value", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'hotpluggable' in element 'vcpu': 'on'.", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: vcpu '3' is both offline and not hotpluggable", output, StringComparison.Ordinal);
    }

    private const string DeviceDefaultsXml = """
        <domain type='test'>
          <name>defaults</name>
          <memory>262144</memory>
          <os><type arch='s390x'>hvm</type></os>
          <devices>
            <hostdev mode='subsystem' type='pci'>
              <source><address domain='0' bus='0' slot='1' function='0'/></source>
              <address type='pci' domain='0' bus='0' slot='2' function='0'><zpci uid='010' fid='17'/></address>
            </hostdev>
            <hostdev mode='subsystem' type='pci'>
              <source><address domain='0' bus='0' slot='3' function='0'/></source>
              <address type='pci' domain='0' bus='0' slot='4' function='0'><zpci fid='0x1f'/></address>
            </hostdev>
            <console type='pty'/>
            <console type='pty'><target type='virtio' port='7'/></console>
            <rng model='virtio'><backend model='random'/></rng>
          </devices>
        </domain>
        """;

    [Fact]
    public async Task ConsolePortsRngDeviceAndZpciIdsAreFilledInAsLibvirtdFillsThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string good = pair.WriteFile("defaults.xml", DeviceDefaultsXml);
        string negative = pair.WriteFile("negative.xml", DeviceDefaultsXml.Replace("uid='010'", "uid='-1'", StringComparison.Ordinal));
        string text = pair.WriteFile("text.xml", DeviceDefaultsXml.Replace("fid='0x1f'", "fid='abc'", StringComparison.Ordinal));
        string output = await pair.VirshSameAsync($"define {good}; dumpxml defaults; define {negative}; define {text}");
        Assert.Contains("<zpci uid='0x0008' fid='0x00000011'/>", output, StringComparison.Ordinal);
        Assert.Contains("<zpci uid='0x0000' fid='0x0000001f'/>", output, StringComparison.Ordinal);
        Assert.Contains("<target type='virtio' port='1'/>", output, StringComparison.Ordinal);
        Assert.Contains("<backend model='random'>/dev/random</backend>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'uid' in element 'zpci': '-1'. Expected non-negative integer value", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'fid' in element 'zpci': 'abc'. Expected non-negative integer value", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeclabelDefaultsAndRefusalsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] labels =
        [
            "<seclabel type='static' model='selinux'><label>l1</label><imagelabel>i1</imagelabel></seclabel><seclabel model='dac' type='dynamic'><baselabel>b</baselabel></seclabel><seclabel model='x'/>",
            "<seclabel model='none' type='dynamic'/>",
            "<seclabel type='static' model='selinux'/>",
            "<seclabel type='dynamic' relabel='no'/>",
            "<seclabel type='none' relabel='yes'/>",
            "<seclabel type='default'/>",
            "<seclabel model='dac'/><seclabel/>",
            "<seclabel model='dac'/><seclabel model='dac' type='none'/>",
        ];
        string commands = string.Join(
            "; ",
            labels.Select((label, i) => $"define {pair.WriteFile($"s{i}.xml", $"<domain type='test'><name>s{i}</name><memory>262144</memory><os><type>hvm</type></os>{label}</domain>")}; dumpxml s{i}"));
        string output = await pair.VirshSameAsync(commands);
        Assert.Contains(
            "  <seclabel type='static' model='selinux' relabel='no'>\n    <label>l1</label>\n  </seclabel>\n"
            + "  <seclabel type='dynamic' model='dac' relabel='yes'>\n    <baselabel>b</baselabel>\n  </seclabel>\n</domain>",
            output,
            StringComparison.Ordinal);
        Assert.Contains("  <seclabel type='none' model='none'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: security label is missing", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: dynamic label type must use resource relabeling", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: resource relabeling is not compatible with 'none' label type", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'type' in element 'seclabel': 'default'.", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing security model when using multiple labels", output, StringComparison.Ordinal);
        Assert.Contains("error: seclabel for model dac is already provided", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryComesFromTheNumaCellsWhenMemoryIsMissing()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string numa = pair.WriteFile("numamem.xml", NumaOnlyMemoryXml);
        string none = pair.WriteFile("nomem.xml", NoMemoryXml);
        string output = await pair.VirshSameAsync($"define {numa}; dumpxml numamem; define {none}");
        Assert.Contains("  <memory unit='KiB'>211950</memory>\n  <currentMemory unit='KiB'>211950</currentMemory>\n", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Memory size must be specified via <memory> or in the <numa> configuration", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterfaceChildrenComeOutInLibvirtdsOrder()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string nics = pair.WriteFile("nics.xml", InterfacesXml);
        string output = await pair.VirshSameAsync($"define {nics}; dumpxml nics; dumpxml nics --inactive");
        Assert.Contains(
            "<source network='default'/>\n      <target dev='testnet0'/>\n      <model type='virtio'/>\n      <driver queues='2'/>\n      <filterref filter='clean-traffic'/>\n"
            + "      <link state='down'/>\n      <mtu size='1500'/>\n      <boot order='1'/>\n      <address type='pci'",
            output,
            StringComparison.Ordinal);
        Assert.Contains("<mac address='00:11:22:33:44:55'/>\n      <driver name='vfio'/>\n      <source>", output, StringComparison.Ordinal);
        Assert.Contains("<source dev='eth0' mode='vepa'/>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("myfilter", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VirtualPortIdsAreGeneratedAndIncompleteProfilesRefused()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string good = pair.WriteFile("vport.xml", VirtualPortXml);
        string ethernet = pair.WriteFile("eth.xml", VirtualPortXml.Replace("<interface type='bridge'>\n      <source bridge='ovsbr0'/>\n      <virtualport type='openvswitch'/>", "<interface type='ethernet'>\n      <virtualport type='openvswitch'/>", StringComparison.Ordinal));
        string incomplete = pair.WriteFile("qbh.xml", VirtualPortXml.Replace("<interface type='bridge'>\n      <source bridge='ovsbr0'/>\n      <virtualport type='openvswitch'/>", "<interface type='bridge'>\n      <source bridge='ovsbr0'/>\n      <virtualport type='802.1Qbh'/>", StringComparison.Ordinal));
        string untyped = pair.WriteFile("untyped.xml", VirtualPortXml.Replace("<virtualport type='openvswitch'/>", "<virtualport/>", StringComparison.Ordinal));
        Assert.NotEqual(VirtualPortXml, File.ReadAllText(ethernet));
        string output = await pair.VirshSameAsync($"define {good}; dumpxml vport; define {ethernet}; define {incomplete}; define {untyped}");
        Assert.Contains("<virtualport type='openvswitch'>\n        <parameters interfaceid='UUID'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<parameters interfaceid='UUID' profileid='p1'/>", output, StringComparison.Ordinal);
        Assert.Contains("<virtualport>\n        <parameters instanceid='UUID' interfaceid='UUID'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<parameters managerid='11' typeid='1193047' typeidversion='2' instanceid='UUID'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: <virtualport> element unsupported for <interface type='ethernet'>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing profileid in <virtualport type='802.1Qbh'>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing required virtualport type", output, StringComparison.Ordinal);

        string python = await pair.PythonSameAsync(TestDriverPair.PythonPrelude + "\n" + InterfaceIdScript.Replace("sys.argv[2]", $"'{good}'", StringComparison.Ordinal));
        Assert.Contains("ids 3 True\nkept True\n", python, StringComparison.Ordinal);
    }
}
