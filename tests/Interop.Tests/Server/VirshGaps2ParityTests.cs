using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The second sweep of what libvirtd 9.0.0's test driver implements: throttling, scheduler and perf setters, the
/// guest-agent commands, CPU pins in the domain XML, parser errors for empty documents and the python calls behind
/// them. Each test runs the same client against libvirtd's test driver and our server and demands the same output.
/// </summary>
public sealed class VirshGaps2ParityTests
{
    private const string PinnedDomainXml = """
        <domain type='test'>
          <name>pin</name>
          <memory>1048576</memory>
          <vcpu>4</vcpu>
          <cputune>
            <shares>2048</shares>
            <vcpupin vcpu='1' cpuset='2-3'/>
            <emulatorpin cpuset='1'/>
            <vcpupin vcpu='0' cpuset='0,2'/>
          </cputune>
          <os><type>hvm</type></os>
        </domain>
        """;

    private const string DefaultsDomainXml = """
        <domain type='test'>
          <name>defaults</name>
          <memory>1048576</memory>
          <vcpu cpuset='1-2,5' current='2'>3</vcpu>
          <cputune><vcpupin vcpu='0' cpuset='7'/></cputune>
          <os><type>hvm</type></os>
          <features><acpi/><hyperv><relaxed state='on'/><spinlocks state='on' retries='8191'/></hyperv></features>
          <devices>
            <hostdev type='pci' mode='subsystem' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/></source></hostdev>
            <hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>
          </devices>
        </domain>
        """;

    private const string RichNetworkXml = """
        <network>
          <name>rich</name>
          <forward mode='route' dev='eth0'><interface dev='eth0'/></forward>
          <bridge name='virbr5' stp='on' delay='0' macTableManager='libvirt'/>
          <mac address='52:54:00:01:02:03'/>
          <domain name='example.org' localOnly='yes'/>
          <dns enable='yes'><forwarder addr='8.8.8.8'/><host ip='192.168.5.2'><hostname>h1</hostname></host><txt name='t' value='v'/><srv service='s' protocol='tcp'/></dns>
          <mtu size='9000'/>
          <bandwidth><inbound average='1000' peak='5000' burst='1024'/></bandwidth>
          <portgroup name='pg' default='yes'><bandwidth><outbound average='10'/></bandwidth></portgroup>
          <ip address='192.168.5.1' netmask='255.255.255.0'>
            <dhcp><range start='192.168.5.10' end='192.168.5.20'><lease expiry='1' unit='hours'/></range><host mac='52:54:00:00:00:01' name='x' ip='192.168.5.11'/><bootp file='pxe'/></dhcp>
            <tftp root='/srv'/>
          </ip>
          <ip family='ipv6' address='2001:db8::1' prefix='64'/>
          <route address='10.0.0.0' prefix='8' gateway='192.168.5.2'/>
        </network>
        """;

    private const string GuestCallsScript = """
        import sys, os, libvirt
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        c = libvirt.open(sys.argv[1])
        d = c.lookupByName('test')
        def t(label, f):
            try: r = f()
            except libvirt.libvirtError as e: r = ('ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
            print(label, '=>', r)
        t('messages', lambda: d.messages(0))
        t('messages-flags', lambda: d.messages(3))
        t('messages-bad', lambda: d.messages(4))
        t('peek', lambda: list(d.memoryPeek(250, 10, libvirt.VIR_MEMORY_VIRTUAL)))
        t('peek-physical', lambda: list(d.memoryPeek(3, 4, libvirt.VIR_MEMORY_PHYSICAL)))
        t('peek-noflag', lambda: d.memoryPeek(3, 4, 0))
        t('sched', lambda: d.setSchedulerParameters({'weight': 3}))
        t('sched-flags', lambda: d.setSchedulerParametersFlags({'weight': 3}, 0))
        t('perf', lambda: d.setPerfEvents({'cmt': True, 'page_faults': False}, 0))
        t('perf-get', lambda: sorted(k for k, v in d.perfEvents(0).items() if v))
        t('freeze', lambda: d.fsFreeze(['/'], 0))
        t('freeze-bad', lambda: d.fsFreeze(['/', '/nope'], 0))
        t('thaw', lambda: d.fsThaw(None, 0))
        t('trim', lambda: d.fSTrim(None, 0, 0))
        t('signal', lambda: d.sendProcessSignal(1, 9, 0))
        t('signal-flags', lambda: d.sendProcessSignal(1, 9, 1))
        t('password-flags', lambda: d.setUserPassword('root', 'x', 2))
        t('iotune', lambda: d.setBlockIoTune('vda', {'size_iops_sec': 7, 'group_name': 'gg'}, 0))
        t('iotune-get', lambda: sorted((k, v) for k, v in d.blockIoTune('vda', 0).items() if v))
        t('labels', lambda: d.securityLabelList())
        d.destroy()
        r, w = os.pipe()
        t('create-files', lambda: d.createWithFiles([r], 0))
        t('state', lambda: d.state())
        t('create-files-again', lambda: d.createWithFiles([r], 0))
        x = "<domain type='test'><name>fd</name><memory>1024</memory><os><type>hvm</type></os></domain>"
        t('create-xml-files', lambda: c.createXMLWithFiles(x, [r, w], 0).name())
        t('create-xml-files-flag', lambda: c.createXMLWithFiles(x, [r], 1))
        t('names', lambda: sorted(dom.name() for dom in c.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE)))
        """;

    [Fact]
    public async Task BlockIoTuneSettingMatchesLibvirtd()
    {
        string output = await SameAsync(
            "blkdeviotune test vda --total-bytes-sec 100; blkdeviotune test vda --total-bytes-sec 100 --total-bytes-sec-max 200 --group-name g1; "
            + "blkdeviotune test vda; dumpxml test; blkdeviotune test vda --read-bytes-sec 5; "
            + "blkdeviotune test vda --total-bytes-sec 0 --total-bytes-sec-max 0 --read-iops-sec 3 --read-iops-sec-max 4 --config; "
            + "blkdeviotune test vda --config; blkdeviotune test vda --total-iops-sec 2000000000000000; blkdeviotune test vdz --total-iops-sec 1; "
            + "blkdeviotune test vda --live --config --total-iops-sec 1; blkdeviotune test vda --total-iops-sec 5 --read-iops-sec 1 --total-iops-sec-max 9; "
            + "dumpxml test --inactive; blkdeviotune test vda --read-iops-sec 0 --read-iops-sec-max 0 --config; dumpxml test --inactive");
        Assert.Contains("error: invalid argument: total_bytes_sec cannot be set higher than total_bytes_sec_max \n", output, StringComparison.Ordinal);
        Assert.Contains("total_bytes_sec: 100\n", output, StringComparison.Ordinal);
        Assert.Contains("group_name     : g1\n", output, StringComparison.Ordinal);
        Assert.Contains(
            "<target dev='vda' bus='virtio'/>\n      <iotune>\n        <total_bytes_sec>100</total_bytes_sec>\n        <total_bytes_sec_max>200</total_bytes_sec_max>\n"
            + "        <group_name>g1</group_name>\n      </iotune>\n      <address",
            output,
            StringComparison.Ordinal);
        Assert.Contains("<iotune>\n        <read_iops_sec>3</read_iops_sec>\n        <read_iops_sec_max>4</read_iops_sec_max>\n      </iotune>", output, StringComparison.Ordinal);
        Assert.Contains("total and read/write of bytes_sec cannot be set at the same time", output, StringComparison.Ordinal);
        Assert.Contains("total and read/write of iops_sec cannot be set at the same time", output, StringComparison.Ordinal);
        Assert.Contains("argument unsupported: block I/O throttle limit value must be no more than 1000000000000000", output, StringComparison.Ordinal);
        Assert.Contains("missing persistent configuration for disk 'vdz'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuestAgentCommandsMatchLibvirtd()
    {
        string output = await SameAsync(
            "domfsfreeze test; domfsthaw test; domfstrim test; domfsfreeze test --mountpoint /; domfsfreeze test; "
            + "domfsthaw test --mountpoint /boot --mountpoint /; domfsthaw test --mountpoint /x; domfstrim test --mountpoint /y; "
            + "domfstrim test --mountpoint /boot --minimum 5; send-process-signal test 1 15; send-process-signal test 2 15; "
            + "send-process-signal test 1 99; send-process-signal test 1 sigkill; set-user-password test root pw; "
            + "set-user-password test root pw --encrypted; destroy test; domfsfreeze test; domfstrim test; set-user-password test root pw; "
            + "send-process-signal test 1 1; start test --pass-fds 0; domfsthaw test; list");
        Assert.Contains("Froze 2 filesystem(s)\n\nThawed 2 filesystem(s)\n", output, StringComparison.Ordinal);
        Assert.Contains("Froze 1 filesystem(s)\n\nFroze 1 filesystem(s)\n\nThawed 2 filesystem(s)", output, StringComparison.Ordinal);
        Assert.Contains("error: Requested operation is not valid: mount point not found: /x", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: only sending a signal to pid 1 is supported", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: signum value 99 is out of range", output, StringComparison.Ordinal);
        Assert.Contains("Password set successfully for root in test", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'test' started", output, StringComparison.Ordinal);
        Assert.Contains("Thawed 0 filesystem(s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not supported by the connection driver", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchedulerAndPerfSettingsMatchLibvirtd()
    {
        string output = await SameAsync(
            "schedinfo test --set weight=10; schedinfo test; schedinfo test --set weight=10 --config; schedinfo test --set cap=3; "
            + "perf test --enable cmt,mbml; perf test --disable mbml; perf test; dumpxml test; perf test --config; "
            + "perf test --enable cpu_cycles --config; perf test --config; dumpxml test --inactive; perf test --enable nosuch");
        Assert.Contains("Scheduler      : fair\nweight         : 50\n", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid scheduler option: cap", output, StringComparison.Ordinal);
        Assert.Contains("cmt            : enabled\n", output, StringComparison.Ordinal);
        Assert.Contains("  <perf>\n    <event name='cmt' enabled='yes'/>\n    <event name='mbml' enabled='no'/>\n  </perf>\n", output, StringComparison.Ordinal);
        Assert.Contains("  <perf>\n    <event name='cpu_cycles' enabled='yes'/>\n  </perf>\n", output, StringComparison.Ordinal);
        Assert.Contains("error: argument unsupported: parameter 'nosuch' not supported", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not supported by the connection driver", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CpuPinsInDomainXmlMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string pin = pair.WriteFile("pin.xml", PinnedDomainXml);
        string image = Path.Combine(pair.Directory, "saved.img");
        string output = await pair.VirshSameAsync(
            $"define {pin}; vcpupin pin --config; emulatorpin pin --config; dumpxml pin; start pin; vcpupin pin; vcpupin pin 2 1; vcpuinfo pin; "
            + "emulatorpin pin 3; dumpxml pin; destroy pin; dumpxml pin; vcpupin test 1 0-1; iothreadadd test 4; iothreadpin test 4 1; "
            + $"emulatorpin test 2; dumpxml test; save test {image}; save-image-dumpxml {image}; restore {image}; vcpupin test; "
            + "setvcpus test 1 --config --maximum; dumpxml test --inactive");
        Assert.Contains(
            "  <cputune>\n    <shares>2048</shares>\n    <vcpupin vcpu='0' cpuset='0,2'/>\n    <vcpupin vcpu='1' cpuset='2-3'/>\n"
            + "    <vcpupin vcpu='2' cpuset='1'/>\n    <emulatorpin cpuset='3'/>\n  </cputune>",
            output,
            StringComparison.Ordinal);
        Assert.Contains(" 1      2-3\n", output, StringComparison.Ordinal);
        Assert.Contains("       *: 1\n", output, StringComparison.Ordinal);
        Assert.Contains("CPU:            3\nState:          running\nCPU time:       X\nCPU Affinity:   --yy----", output, StringComparison.Ordinal);
        Assert.Contains(
            "  <cputune>\n    <vcpupin vcpu='1' cpuset='0-1'/>\n    <emulatorpin cpuset='2'/>\n    <iothreadpin iothread='4' cpuset='1'/>\n  </cputune>",
            output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task VcpuCpusetAndWrittenDefaultsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("defaults.xml", DefaultsDomainXml);
        string output = await pair.VirshSameAsync(
            $"define {xml}; dumpxml defaults; vcpupin defaults --config; emulatorpin defaults --config; start defaults; vcpuinfo defaults; "
            + "vcpupin defaults; emulatorpin defaults; setvcpus defaults 3 --live; vcpuinfo defaults");
        Assert.Contains("  <vcpu placement='static' cpuset='1-2,5' current='2'>3</vcpu>\n", output, StringComparison.Ordinal);
        Assert.Contains("    <hyperv mode='custom'>\n      <relaxed state='on'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("    <hostdev mode='subsystem' type='pci' managed='yes'>\n", output, StringComparison.Ordinal);
        Assert.Contains("    <hostdev mode='subsystem' type='usb' managed='no'>\n", output, StringComparison.Ordinal);
        Assert.Contains(" 0      7\n 1      1-2,5\n 2      1-2,5\n", output, StringComparison.Ordinal);
        Assert.Contains("       *: 1-2,5\n", output, StringComparison.Ordinal);
        Assert.Contains("VCPU:           1\nCPU:            5\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeTypesFormatsAndPoolPermissionsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string logical = pair.WriteFile("vg.xml", "<pool type='logical'><name>vg</name><source><device path='/dev/sdb'/><name>vg0</name><format type='lvm2'/></source><target><path>/dev/vg0</path></target></pool>");
        string rbd = pair.WriteFile("rbd.xml", "<pool type='rbd'><name>rbd</name><source><host name='mon'/><name>rbdpool</name></source></pool>");
        string disk = pair.WriteFile("dk.xml", "<pool type='disk'><name>dk</name><source><device path='/dev/sdc'/></source><target><path>/dev</path></target></pool>");
        string permissions = pair.WriteFile("pp.xml", "<pool type='dir'><name>pp</name><target><path>/tmp/pp</path><permissions><mode>700</mode><group>5</group><label>l</label></permissions></target></pool>");
        string badMode = pair.WriteFile("pq.xml", "<pool type='dir'><name>pq</name><target><path>/tmp/pq</path><permissions><mode>7777</mode></permissions></target></pool>");
        string block = pair.WriteFile("block.xml", "<volume type='block'><name>b1</name><capacity>1000</capacity></volume>");
        string network = pair.WriteFile("network.xml", "<volume type='network'><name>b2</name><capacity>1000</capacity></volume>");
        string bogus = pair.WriteFile("bogus.xml", "<volume type='bogus'><name>q</name></volume>");
        string output = await pair.VirshSameAsync(
            $"pool-define {logical}; pool-start vg; vol-create-as vg lv1 10M; vol-dumpxml lv1 --pool vg; vol-create vg {block}; vol-dumpxml b1 --pool vg; "
            + $"pool-define {rbd}; pool-start rbd; vol-create-as rbd r1 1M; vol-dumpxml r1 --pool rbd; vol-create rbd {network}; vol-info b2 --pool rbd; "
            + $"vol-path r1 --pool rbd; pool-define {disk}; pool-start dk; vol-create-as dk sdc1 1M; vol-dumpxml sdc1 --pool dk; "
            + $"vol-create default-pool {block}; vol-dumpxml b1 --pool default-pool; vol-info b1 --pool default-pool; vol-create default-pool {bogus}; "
            + $"vol-clone b1 b3 --pool default-pool; vol-dumpxml b3 --pool default-pool; pool-define {permissions}; pool-dumpxml pp; pool-define {badMode}");
        Assert.Contains("<volume type='file'>\n  <name>lv1</name>", output, StringComparison.Ordinal);
        Assert.Contains("<volume type='block'>\n  <name>b1</name>\n  <key>/dev/vg0/b1</key>", output, StringComparison.Ordinal);
        Assert.Contains("<key>(null)/r1</key>", output, StringComparison.Ordinal);
        Assert.Contains("    <path>(null)/r1</path>\n    <format type='raw'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("    <path>/dev/sdc1</path>\n    <format type='none'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("Type:           network\n", output, StringComparison.Ordinal);
        Assert.Contains("unknown volume type 'bogus'", output, StringComparison.Ordinal);
        Assert.Contains("    <path>/tmp/pp</path>\n    <permissions>\n      <mode>0700</mode>\n      <group>5</group>\n      <label>l</label>\n    </permissions>\n", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: malformed octal mode", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkDnsBandwidthRoutesAndPortGroupsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("rich-net.xml", RichNetworkXml);
        string output = await pair.VirshSameAsync(
            $"net-define {xml}; net-dumpxml rich; net-start rich; net-dumpxml rich; "
            + "net-update rich add ip-dhcp-host \"<host mac='aa:bb:cc:00:00:09' ip='192.168.5.12'/>\" --config; net-destroy rich; net-dumpxml rich");
        Assert.Contains("  <bridge name='virbr5' stp='on' delay='0' macTableManager='libvirt'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("  <domain name='example.org' localOnly='yes'/>\n", output, StringComparison.Ordinal);
        Assert.Contains(
            "  <dns enable='yes'>\n    <forwarder addr='8.8.8.8'/>\n    <txt name='t' value='v'/>\n    <srv service='s' protocol='tcp'/>\n    <host ip='192.168.5.2'>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("    <tftp root='/srv'/>\n    <dhcp>\n      <range start='192.168.5.10' end='192.168.5.20'>\n        <lease expiry='1' unit='hours'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("      <bootp file='pxe'/>\n    </dhcp>\n", output, StringComparison.Ordinal);
        Assert.Contains("  <route address='10.0.0.0' prefix='8' gateway='192.168.5.2'/>\n  <portgroup name='pg' default='yes'>\n", output, StringComparison.Ordinal);
        Assert.Contains("Updated network rich persistent config", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyAndTextOnlyDocumentsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string blank = pair.WriteFile("blank.xml", "\n\n  ");
        string text = pair.WriteFile("text.xml", "hello");
        string indented = pair.WriteFile("indented.xml", "\n  hello\n");
        string output = await pair.VirshSameAsync(
            "define /dev/null; net-define /dev/null; pool-define /dev/null; create /dev/null; nodedev-create /dev/null; "
            + "vol-create default-pool /dev/null; iface-define /dev/null; snapshot-create test /dev/null; "
            + $"define {blank}; net-define {blank}; define {text}; pool-define {text}; iface-define {indented}; snapshot-create test {indented}; "
            + $"net-update default add ip-dhcp-host {text}; metadata test http://example.org/ --set 'hi' --key k; "
            + "metadata test http://example.org/ --set 'x<a/>' --key k");
        Assert.Contains("error: (domain_definition):1: Document is empty\n(null)\n^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (storage_volume_definition):1: Document is empty\n(null)\n^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (network_definition):3: Start tag expected, '<' not found\n  \n--^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (storage_pool_definition):1: Start tag expected, '<' not found\nhello\n^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (interface_definition):2: Start tag expected, '<' not found\n  hello\n--^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: network_update_xml:1: Start tag expected", output, StringComparison.Ordinal);
        Assert.Contains("error: (metadata_xml):1: Start tag expected, '<' not found\nhi\n^\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonGuestCallsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(GuestCallsScript);
        Assert.Contains("messages => []\n", actual, StringComparison.Ordinal);
        Assert.Contains("peek => [250, 251, 252, 253, 254, 255, 0, 1, 2, 3]\n", actual, StringComparison.Ordinal);
        Assert.Contains("flags parameter must be VIR_MEMORY_VIRTUAL or VIR_MEMORY_PHYSICAL", actual, StringComparison.Ordinal);
        Assert.Contains("perf-get => ['cmt']\n", actual, StringComparison.Ordinal);
        Assert.Contains("freeze-bad => ('ERR', 55, 12, 'Requested operation is not valid: mount point not found: /nope')\nthaw => 1\n", actual, StringComparison.Ordinal);
        Assert.Contains("iotune-get => [('group_name', 'gg'), ('size_iops_sec', 7)]\n", actual, StringComparison.Ordinal);
        Assert.Contains("labels => ('ERR', 1, 0, 'An error occurred, but the cause is unknown')\n", actual, StringComparison.Ordinal);
        Assert.Contains("create-files => 0\nstate => [1, 1]\n", actual, StringComparison.Ordinal);
        Assert.Contains("create-xml-files => fd\n", actual, StringComparison.Ordinal);
        Assert.Contains("names => ['fd', 'test']\n", actual, StringComparison.Ordinal);
        Assert.Contains("exit 0", actual, StringComparison.Ordinal);
    }

    private static Task<string> SameAsync(string commands) => TestDriverPair.VirshSameOnFreshPairAsync(commands);
}
