using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The third sweep, through every group of <c>virsh help</c>: what differed between libvirtd 9.0.0's test driver and
/// our server. Each test runs the same virsh command string against both and demands the same output.
/// </summary>
public sealed class VirshSweep3ParityTests
{
    [Fact]
    public async Task QemuMonitorEventsAreNotSupportedByTheTestDriver()
    {
        string output = await SameAsync("qemu-monitor-event --timeout 1; qemu-monitor-event --domain test --event SHUTDOWN --timeout 1");
        Assert.Contains("error: this function is not supported by the connection driver: virConnectDomainQemuMonitorEventRegister", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolSourcesGetTheirTypesPartsDefaultsAndOrder()
    {
        string output = await SameAsync(
            "pool-define-as p1 netfs --source-host h --source-path /x//y/ --target /mnt; pool-dumpxml p1; "
            + "pool-create-as p2 logical --source-dev /dev/sdb --source-name vg2; pool-dumpxml p2; pool-define-as p3 logical; pool-dumpxml p3; "
            + "pool-define-as p4 fs --source-dev /dev/sdc --target /m//x/; pool-dumpxml p4; pool-define-as p5 fs --target /y; "
            + "pool-define-as p6 netfs --source-host h --target /z; pool-define-as p7 netfs --source-path /e --target /z; "
            + "pool-define-as p8 disk --source-dev /dev/sdd --source-format gpt --target /dev; pool-dumpxml p8; "
            + "pool-define-as p9 disk --source-dev /dev/sdd --source-format bogus --target /dev; "
            + "pool-define-as p10 rbd --source-host mon --source-name rp --auth-type ceph --auth-username admin --secret-usage s; pool-dumpxml p10; "
            + "pool-define-as p11 gluster --source-host gh --source-name vol; pool-dumpxml p11; pool-define-as p12 zfs --source-name tank; pool-dumpxml p12; "
            + "pool-define-as p13 netfs --source-host h --source-path /x --source-format nfs --source-protocol-ver 3 --target /mnt; pool-dumpxml p13; "
            + "pool-define-as p14 netfs --source-host h --source-path /x --source-format cifs --source-protocol-ver 3 --target /mnt; "
            + "pool-define-as p15 iscsi --source-host h --source-dev iqn.x --target /dev/disk/by-path; pool-dumpxml p15");
        Assert.Contains("<dir path='/x/y'/>\n    <format type='auto'/>\n  </source>", output, StringComparison.Ordinal);
        Assert.Contains("<name>vg2</name>\n    <format type='lvm2'/>\n  </source>\n  <target>\n    <path>/dev/vg2</path>", output, StringComparison.Ordinal);
        Assert.Contains("<path>/dev/p3</path>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing storage pool source device name", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing storage pool source path", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown pool format type bogus", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: storage pool protocol ver unsupported for pool type 'cifs'", output, StringComparison.Ordinal);
        Assert.Contains("<path>/m/x</path>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedXmlIsReportedInLibxml2sWordsWithItsCaret()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string mismatch = pair.WriteFile("mis.xml", "<domain type='test'>\n  <name>x</nme>\n</domain>\n");
        string truncated = pair.WriteFile("trunc.xml", "<domain type='test'>\n  <name>x</name>");
        string truncatedLine = pair.WriteFile("truncnl.xml", "<network>\n\t<name>x</name>\n");
        string extra = pair.WriteFile("extra.xml", "<pool type='dir'>\n</pool>\n<x/>\n");
        string unquoted = pair.WriteFile("attr.xml", "<domain type='test'>\n  <name a=b>x</name>\n</domain>\n");
        string output = await pair.VirshSameAsync(
            $"define {mismatch}; net-define {mismatch}; snapshot-create test {mismatch}; define {truncated}; pool-define {truncated}; "
            + $"net-define {truncatedLine}; define {truncatedLine}; iface-define {extra}; pool-define {extra}; checkpoint-create test {extra}; "
            + $"define {unquoted}; vol-create default-pool {unquoted}; nodedev-create {unquoted}; "
            + "metadata test --uri http://x/ --key x --set '<a>'; metadata test --uri http://x/ --key x --set '<a></b>'; "
            + "metadata test --uri http://x/ --key x --set '<a/><b/>'; metadata test --uri http://x/ --key x --set '<a x=1/>'");
        Assert.Contains("error: (domain_definition):2: Opening and ending tag mismatch: name line 2 and nme\n  <name>x</nme>\n---------------^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (network_definition):3: Premature end of data in tag network line 1\n(null)\n^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (storage_pool_definition):2: Premature end of data in tag domain line 1\n  <name>x</name>\n----------------^\n", output, StringComparison.Ordinal);
        Assert.Contains("Extra content at the end of the document\n<x/>\n^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (metadata_xml):1: Premature end of data in tag a line 1\n<a>\n---^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (metadata_xml):1: AttValue: \" or ' expected\n<a x=1/>\n-----^\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkIpAddressesAreChecked()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] ips =
        [
            "address='300.1.1.1' netmask='255.255.255.0'",
            "address='10.0.0.1' netmask='255.255.255.999'",
            "address='10.0.0.1' netmask='ffff::'",
            "address='10.0.0.1' netmask='255.0.0.0' prefix='8'",
            "address='10.0.0.1' prefix='33'",
            "family='ipv6' address='10.0.0.1' prefix='64'",
            "family='ipv6' address='fd00::1' prefix='129'",
            "family='ipv6' address='fd00::1' netmask='255.0.0.0'",
            "address='fd00::1' prefix='64'",
            "family='ipx' address='10.0.0.1'",
            "netmask='255.0.0.0'",
        ];
        string commands = string.Join("; ", ips.Select((ip, i) => $"net-define {pair.WriteFile($"n{i}.xml", $"<network><name>n{i}</name><ip {ip}/></network>")}"));
        string output = await pair.VirshSameAsync(commands + "; net-list --all --name");
        Assert.Contains("error: XML error: Invalid address '300.1.1.1' in network 'n0'", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: Network 'n3' IP address cannot have both a prefix and a netmask", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: Invalid IPv6 prefix '129' in network 'n6'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Missing required address attribute in network 'n10'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeCreationTakesOnlyTheValidateFlagAndThenRefusesItInTheParser()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string volume = pair.WriteFile("vol.xml", "<volume><name>v1.img</name><capacity unit='M'>10</capacity><target><format type='raw'/></target></volume>");
        string output = await pair.VirshSameAsync(
            $"vol-create-as default-pool q.qcow2 1G --format qcow2 --prealloc-metadata; vol-create default-pool {volume} --validate; "
            + $"vol-create-as default-pool a 1M; vol-create-from default-pool {volume} a --prealloc-metadata; vol-list default-pool");
        Assert.Contains("error: unsupported flags (0x1) in function testStorageVolCreateXML", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported flags (0x4) in function virStorageVolDefParseXML", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VcpuCountsAndDuplicateDiskTargetsAreRefusedAsLibvirtRefusesThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] vcpus = ["<vcpu>abc</vcpu>", "<vcpu>2 </vcpu>", "<vcpu current='9'>2</vcpu>", "<vcpu current='x'>2</vcpu>", "<vcpu>0</vcpu>", "<vcpu current='1'> 2</vcpu>"];
        string commands = string.Join("; ", vcpus.Select((v, i) => $"define {pair.WriteFile($"v{i}.xml", $"<domain type='test'><name>v{i}</name><memory>1024</memory>{v}<os><type>hvm</type></os></domain>")}"));
        string disks = pair.WriteFile("dd.xml", "<domain type='test'><name>dd</name><memory>1024</memory><os><type>hvm</type></os><devices>"
            + "<disk type='file'><source file='/a'/><target dev='vda'/></disk><disk type='file'><source file='/b'/><target dev='vda'/></disk></devices></domain>");
        string cdrom = pair.WriteFile("dc.xml", "<domain type='test'><name>dc</name><memory>1024</memory><os><type>hvm</type></os><devices>"
            + "<disk type='file' device='cdrom'><target dev='hdc'/></disk><disk type='block'><source dev='/dev/sdb'/><target dev='hdc'/></disk></devices></domain>");
        string output = await pair.VirshSameAsync($"{commands}; vcpucount v5; define {disks}; define {cdrom}; list --all --name");
        Assert.Contains("error: XML error: maximum vcpus count must be an integer", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: maximum vCPU count must not be less than current vCPU count", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'current' in element 'vcpu': 'x'. Expected non-negative integer value", output, StringComparison.Ordinal);
        Assert.Contains("error: internal error: CPU IDs in <numa> exceed the <vcpu> count", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: target 'vda' duplicated for disk sources '/a' and '/b'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: target 'hdc' duplicated for disk sources '<null>' and '/dev/sdb'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OsFeaturesAndCpuChildrenComeBackInLibvirtsOrderAndAutomaticPlacementIsKept()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("order.xml", """
            <domain type='test'>
              <name>order</name>
              <memory unit='MiB'>512</memory>
              <vcpu placement='auto' cpuset='1'>2</vcpu>
              <os><smbios mode='sysinfo'/><bootmenu enable='yes'/><type>hvm</type><nvram>/var/lib/nv.fd</nvram><loader readonly='yes' type='pflash'>/ovmf.fd</loader></os>
              <features><vmport state='off'/><kvm><hidden state='on'/></kvm><pae/><acpi/></features>
              <cpu mode='custom' match='exact'><feature policy='disable' name='hle'/><topology sockets='1' dies='1' cores='2' threads='1'/><vendor>Intel</vendor><model fallback='allow'>Skylake-Client</model></cpu>
            </domain>
            """);
        string plain = pair.WriteFile("pd.xml", "<domain type='test'><name>pd</name><memory>1024</memory><vcpu>2</vcpu><numatune><memory mode='strict' placement='auto'/></numatune><os><type>hvm</type></os></domain>");
        string output = await pair.VirshSameAsync($"define {xml}; dumpxml order; start order; dumpxml order; numatune order; define {plain}; dumpxml pd");
        Assert.Contains("<vcpu placement='auto'>2</vcpu>\n  <numatune>\n    <memory mode='strict' placement='auto'/>", output, StringComparison.Ordinal);
        Assert.Contains("<bootmenu enable='yes'/>\n    <smbios mode='sysinfo'/>\n  </os>", output, StringComparison.Ordinal);
        Assert.Contains("<features>\n    <acpi/>\n    <pae/>\n    <kvm>", output, StringComparison.Ordinal);
        Assert.Contains("<vendor>Intel</vendor>\n    <topology sockets='1' dies='1' cores='2' threads='1'/>\n    <feature policy='disable' name='hle'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocumentsEndingInsideATagOrWithTrailingContentAreReportedInLibxml2sWords()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] documents =
        [
            "<bad",
            "<a b='1'",
            "<a>\n<b c='x'",
            "<a><b",
            "<domain type='test'>\n  <name>x</name>\n  <memory>1</memory\n</domain>",
            "<a><b></b></a><c",
            "<a/>\ntext",
        ];
        string commands = string.Join("; ", documents.Select((d, i) => $"define {pair.WriteFile($"d{i}.xml", d)}"));
        string output = await pair.VirshSameAsync(commands + "; metadata test --uri http://x/ --key x --set '<bad'");
        Assert.Contains("error: (domain_definition):1: Couldn't find end of Start Tag bad line 1\n<bad\n----^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (domain_definition):2: attributes construct error\n<b c='x'\n--------^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (domain_definition):4: expected '>'\n</domain>\n^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (domain_definition):1: Extra content at the end of the document\n<a><b></b></a><c\n--------------^\n", output, StringComparison.Ordinal);
        Assert.Contains("error: (metadata_xml):1: Couldn't find end of Start Tag bad line 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkAttributesNatRangesHostdevPoolsAndBondMembersComeBackAsLibvirtWritesThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string nat = pair.WriteFile("nat.xml", "<network ipv6='yes' trustGuestRxFilters='no'><name>n2</name><forward mode='nat'><nat><address start='1.2.3.4' end='1.2.3.10'/>"
            + "<port start='1024' end='65535'/></nat></forward><ip address='10.1.1.1' prefix='24'/></network>");
        string natIpv6 = pair.WriteFile("nat6.xml", "<network><name>n6</name><forward mode='nat'><nat ipv6='yes'/></forward><ip family='ipv6' address='fd00::1' prefix='64'/></network>");
        string hostdev = pair.WriteFile("hd.xml", "<network><name>hd</name><forward mode='hostdev' managed='yes'><pf dev='eth3'/></forward></network>");
        string passthrough = pair.WriteFile("pt.xml", "<network><name>pt</name><forward mode='passthrough' dev='eth4'><interface dev='eth4'/><interface dev='eth5'/></forward></network>");
        string bond = pair.WriteFile("bond.xml", "<interface type='bond' name='bond0'><start mode='none'/><bond mode='active-backup'><miimon freq='100' updelay='10' carrier='ioctl'/>"
            + "<interface type='ethernet' name='eth6'/><interface type='ethernet' name='eth7'/></bond></interface>");
        string output = await pair.VirshSameAsync(
            $"net-define {nat}; net-dumpxml n2; net-start n2; net-dumpxml n2; net-define {natIpv6}; net-dumpxml n6; net-define {hostdev}; net-dumpxml hd; "
            + $"net-define {passthrough}; net-dumpxml pt; iface-define {bond}; iface-dumpxml bond0");
        Assert.Contains("<network ipv6='yes' trustGuestRxFilters='no'>", output, StringComparison.Ordinal);
        Assert.Contains("<forward mode='nat'>\n    <nat>\n      <address start='1.2.3.4' end='1.2.3.10'/>\n      <port start='1024' end='65535'/>\n    </nat>\n  </forward>", output, StringComparison.Ordinal);
        Assert.Contains("<forward mode='hostdev' managed='yes'>\n    <pf dev='eth3'/>\n  </forward>", output, StringComparison.Ordinal);
        Assert.Contains("<interface type='ethernet' name='eth6'>\n    </interface>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardModesAreCheckedAgainstWhatTheNetworkHas()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] networks =
        [
            "<forward mode='nat'/>",
            "<forward mode='route'><interface dev='a'/><interface dev='b'/></forward><ip address='10.0.0.1' prefix='24'/>",
            "<forward mode='open' dev='a'/><ip address='10.0.0.1' prefix='24'/>",
            "<forward mode='private' dev='eth0'/><bridge name='br0'/>",
            "<forward mode='vepa'/><bridge zone='z'/>",
            "<forward mode='bridge'/><bridge name='br0' stp='on'/>",
            "<forward mode='bridge' dev='eth0'/><bridge name='br0'/>",
            "<forward mode='bridge'/><bridge name='br0'/><mtu size='9000'/>",
            "<forward mode='passthrough'><interface dev='eth0'/></forward>",
        ];
        string commands = string.Join("; ", networks.Select((n, i) => $"net-define {pair.WriteFile($"f{i}.xml", $"<network><name>f{i}</name>{n}</network>")}"));
        string output = await pair.VirshSameAsync(commands + "; net-list --all --name");
        Assert.Contains("error: XML error: nat forwarding requested, but no IP address provided for network 'f0'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: bridge name not allowed in private mode (network 'f3')", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: A network with forward mode='bridge' can specify a bridge name or a forward dev, but not both (network 'f6')", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: mtu size only allowed in open, route, nat, and isolated mode, not in bridge (network 'f7')", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeBackingStoresAreKept()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string backed = pair.WriteFile("bk.xml", "<volume><name>bk.qcow2</name><capacity>1073741824</capacity><target><format type='qcow2'/></target>"
            + "<backingStore><path>/default-pool/base.img</path><permissions><mode>644</mode></permissions></backingStore></volume>");
        string formatted = pair.WriteFile("bf.xml", "<volume><name>bf.qcow2</name><capacity>1</capacity><backingStore><path>/x</path><format type='qcow2'/></backingStore></volume>");
        string output = await pair.VirshSameAsync($"vol-create default-pool {backed}; vol-dumpxml bk.qcow2 --pool default-pool; vol-create default-pool {formatted}; vol-dumpxml bf.qcow2 --pool default-pool");
        Assert.Contains("<backingStore>\n    <path>/default-pool/base.img</path>\n    <format type='raw'/>\n    <permissions>\n      <mode>0644</mode>", output, StringComparison.Ordinal);
        Assert.Contains("<backingStore>\n    <path>/x</path>\n    <format type='qcow2'/>\n  </backingStore>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmartcardsGetCcidAddressesAndTheirController()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("sc.xml", "<domain type='test'><name>sc</name><memory>1048576</memory><os><type>hvm</type></os><devices>"
            + "<smartcard mode='passthrough' type='spicevmc'/><smartcard mode='passthrough' type='spicevmc'><address type='ccid' controller='1' slot='0'/></smartcard>"
            + "<smartcard mode='host'/><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel></devices></domain>");
        string output = await pair.VirshSameAsync($"define {xml}; dumpxml sc");
        Assert.Contains("<controller type='ccid' index='0'/>\n    <controller type='ccid' index='1'/>", output, StringComparison.Ordinal);
        Assert.Contains("<smartcard mode='host'>\n      <address type='ccid' controller='0' slot='1'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocumentsWithTheWrongRootElementAreRefusedInLibvirt9sWords()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string network = pair.WriteFile("n.xml", "<network><name>n</name></network>");
        string domain = pair.WriteFile("d.xml", "<domain type='test'><name>d</name><memory>1024</memory><os><type>hvm</type></os></domain>");
        string output = await pair.VirshSameAsync($"define {network}; create {network}; nodedev-create {domain}; nodedev-define {domain}; net-define {domain}");
        Assert.Contains("error: XML error: expecting root element of 'domain', not 'network'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: expecting root element of 'device', not 'domain'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MadeUpBlockCountersGrowWithTheMicrosecondClockAsTheTestDriversDo()
    {
        await using OurServer ours = await OurServer.StartAsync().Within();
        ExternalProcess.Result result = await ExternalProcess.VirshAsync(ours.UnixUri, "domblkstat test vda; domblkstat test vda; domblkstat test vda; domblkstat test vda").Within();
        string[] requests = [.. result.Stdout.Split('\n').Where(l => l.StartsWith("vda rd_req ", StringComparison.Ordinal)).Select(l => l["vda rd_req ".Length..])];
        Assert.Equal(4, requests.Length);

        // rd_req is the clock in microseconds divided by 10: a millisecond clock would end every value in "00".
        Assert.Contains(requests, r => !r.EndsWith("00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NumatuneFollowsLibvirtsPlacementRules()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string automatic = pair.WriteFile("auto.xml", "<domain type='test'><name>auto</name><memory>1048576</memory><vcpu placement='auto'>2</vcpu><os><type>hvm</type></os></domain>");
        string plain = pair.WriteFile("plain.xml", "<domain type='test'><name>plain</name><memory>1048576</memory><vcpu>2</vcpu><os><type>hvm</type></os></domain>");
        string output = await pair.VirshSameAsync(
            $"numatune test --mode preferred --config; numatune test --config; numatune test --mode interleave --nodeset 0-1; numatune test; "
            + $"define {plain}; numatune plain --mode interleave; numatune plain --nodeset 0 --mode preferred; numatune plain; dumpxml plain; "
            + $"define {automatic}; numatune auto --mode interleave; dumpxml auto; numatune auto --nodeset 1; dumpxml auto");
        Assert.Contains("error: unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'", output, StringComparison.Ordinal);
        Assert.Contains("<memory mode='interleave' placement='auto'/>", output, StringComparison.Ordinal);
        Assert.Contains("<memory mode='interleave' nodeset='1'/>", output, StringComparison.Ordinal);
    }

    private static Task<string> SameAsync(string commands) => TestDriverPair.VirshSameOnFreshPairAsync(commands);
}
