using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Network, storage pool and volume XML that a sweep of libvirt 9.0.0's own XML test files found the test hypervisor
/// reading or writing differently from libvirtd's test driver: forward PCI address pools, network metadata, dns records,
/// bridge MAC, routes and bandwidth floors, pool auth, cow, refresh and iscsi-direct initiator, volume encryption and cluster size. The XML here
/// is written for these tests; each sequence runs through virsh against both servers and must print the same.
/// </summary>
public sealed class ObjectXmlCorpusParityTests
{
    [Fact]
    public async Task ForwardPciAddressPoolsAndTheirErrorsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string pool = pair.WriteFile("vf.xml", """
            <network>
              <name>vf</name>
              <forward mode='hostdev' managed='yes'>
                <driver name='vfio'/>
                <address type='pci' domain='0' bus='010' slot='0x1f' function='7'/>
                <address type='pci' domain='0x0002' bus='0x81' slot='3' function='0x1' multifunction='on'/>
              </forward>
            </network>
            """);
        string repeatedPci = pair.WriteFile("r1.xml", "<network><name>r1</name><forward mode='passthrough'><address type='pci' bus='1' slot='2' function='3'/><address type='pci' domain='0' bus='0x01' slot='0x02' function='0x3'/></forward></network>");
        string repeatedDev = pair.WriteFile("r2.xml", "<network><name>r2</name><forward mode='vepa'><interface dev='a'/><interface dev='b'/><interface dev='a'/></forward></network>");
        string mismatch = pair.WriteFile("r3.xml", "<network><name>r3</name><forward mode='bridge' dev='eth0'><interface dev='eth1'/></forward></network>");
        string devAndAddress = pair.WriteFile("r4.xml", "<network><name>r4</name><forward mode='hostdev' dev='eth0'><address type='pci' bus='1'/></forward></network>");
        string badSlot = pair.WriteFile("r5.xml", "<network><name>r5</name><forward mode='hostdev'><address type='pci' bus='1' slot='0x20'/></forward></network>");
        string usb = pair.WriteFile("r6.xml", "<network><name>r6</name><forward mode='hostdev'><address type='usb' bus='1'/></forward></network>");
        string twoPfs = pair.WriteFile("r7.xml", "<network><name>r7</name><forward mode='passthrough'><pf dev='p1'/><pf dev='p2'/></forward></network>");
        string badDriver = pair.WriteFile("r8.xml", "<network><name>r8</name><forward mode='hostdev'><driver name='kvm2'/><pf dev='p1'/></forward></network>");
        string output = await pair.VirshSameAsync(
            $"net-define {pool}; net-dumpxml vf; net-start vf; net-dumpxml vf; net-destroy vf; net-undefine vf; net-define {repeatedPci}; "
            + $"net-define {repeatedDev}; net-define {mismatch}; net-define {devAndAddress}; net-define {badSlot}; net-define {usb}; "
            + $"net-define {twoPfs}; net-define {badDriver}; net-list --all");
        Assert.Contains(
            "  <forward mode='hostdev' managed='yes'>\n    <driver name='vfio'/>\n"
            + "    <address type='pci' domain='0x0000' bus='0x08' slot='0x1f' function='0x7'/>\n"
            + "    <address type='pci' domain='0x0002' bus='0x81' slot='0x03' function='0x1'/>\n  </forward>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("XML error: PCI device '0000:01:02.3' can only be listed once in network r1", output, StringComparison.Ordinal);
        Assert.Contains("XML error: interface 'a' can only be listed once in network r2", output, StringComparison.Ordinal);
        Assert.Contains("XML error: <forward dev='eth0'> must match first <interface dev='eth1'/> in network r3", output, StringComparison.Ordinal);
        Assert.Contains("sub-elements are present in network %s", output, StringComparison.Ordinal);
        Assert.Contains("Invalid PCI address slot='0x20', must be <= 0x1F", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: unknown address type 'usb' in network r6", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Only one <pf> element is allowed in <forward> of network r7", output, StringComparison.Ordinal);
        Assert.Contains("Unknown forward <driver name='kvm2'/> in network r8", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkMetadataKeepsOneChildPerNamespaceLikeLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("md.xml", """
            <network>
              <name>md</name>
              <metadata>
                <plain>dropped</plain>
                <a:one xmlns:a="urn:example:a" k="v">first</a:one>
                <b:two xmlns:b="urn:example:a">same namespace, dropped</b:two>
                <c:three xmlns:c="urn:example:c"><c:inner>text</c:inner></c:three>
              </metadata>
              <forward mode='bridge'/>
              <bridge name='br7'/>
            </network>
            """);
        string output = await pair.VirshSameAsync($"net-define {xml}; net-dumpxml md; net-start md; net-dumpxml md; net-destroy md; net-undefine md");
        Assert.Contains(
            "  <uuid>UUID</uuid>\n  <metadata>\n    <a:one xmlns:a=\"urn:example:a\" k=\"v\">first</a:one>\n"
            + "    <c:three xmlns:c=\"urn:example:c\">\n      <c:inner>text</c:inner>\n    </c:three>\n  </metadata>\n  <forward mode='bridge'/>\n",
            output,
            StringComparison.Ordinal);
        Assert.DoesNotContain("dropped", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsRecordsAreRebuiltAndCheckedLikeLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Ip = "<ip address='192.168.40.1' netmask='255.255.255.0'/>";
        string records = pair.WriteFile("dns.xml", $"""
            <network>
              <name>dnsnet</name>
              <dns forwardPlainNames='no' enable='yes'>
                <host ip='2001:db8:0:0::5'><hostname>h1</hostname><hostname>h2</hostname></host>
                <srv weight='5' priority='0' port='80' target='t.example' domain='example' protocol='tcp' service='http'/>
                <txt value='v' name='t'/>
                <forwarder addr='1.2.3' domain='example.org'/>
                <unknown/>
              </dns>
              {Ip}
            </network>
            """);
        string empty = pair.WriteFile("empty.xml", $"<network><name>empty</name><dns/>{Ip}</network>");
        string disabled = pair.WriteFile("off.xml", $"<network><name>off</name><dns enable='no'><txt name='t' value='v'/></dns>{Ip}</network>");
        string portWithoutTarget = pair.WriteFile("srv.xml", $"<network><name>srv</name><dns><srv service='http' protocol='tcp' port='80'/></dns>{Ip}</network>");
        string badTxt = pair.WriteFile("txt.xml", $"<network><name>txt</name><dns><txt name='a b' value='v'/></dns>{Ip}</network>");
        string noHostname = pair.WriteFile("host.xml", $"<network><name>host</name><dns><host ip='192.168.40.9'/></dns>{Ip}</network>");
        string noForwarder = pair.WriteFile("fwd.xml", $"<network><name>fwd</name><dns><forwarder/></dns>{Ip}</network>");
        string output = await pair.VirshSameAsync(
            $"net-define {records}; net-dumpxml dnsnet; net-undefine dnsnet; net-define {empty}; net-dumpxml empty; net-undefine empty; "
            + $"net-define {disabled}; net-define {portWithoutTarget}; net-define {badTxt}; net-define {noHostname}; net-define {noForwarder}");
        Assert.Contains(
            "  <dns enable='yes' forwardPlainNames='no'>\n    <forwarder domain='example.org' addr='1.2.0.3'/>\n    <txt name='t' value='v'/>\n"
            + "    <srv service='http' protocol='tcp' domain='example' target='t.example' port='80' weight='5'/>\n"
            + "    <host ip='2001:db8::5'>\n      <hostname>h1</hostname>\n      <hostname>h2</hostname>\n    </host>\n  </dns>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("<name>empty</name>\n  <uuid>UUID</uuid>\n  <bridge stp='on' delay='0'/>\n  <ip ", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Extra data in disabled network 'off'", output, StringComparison.Ordinal);
        Assert.Contains("DNS SRV port attribute not permitted without target for service 'http' in network 'srv'", output, StringComparison.Ordinal);
        Assert.Contains("prohibited character in DNS TXT record name 'a b' of network txt", output, StringComparison.Ordinal);
        Assert.Contains("Missing hostname in network 'host' DNS HOST record", output, StringComparison.Ordinal);
        Assert.Contains("Invalid forwarder element, must contain at least one of addr or domain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BridgeMacRoutesFloorsAndSmallAttributeChecksMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string good = pair.WriteFile("good.xml", "<network><name>good</name><mac address='2:A:b:0C:d:E'/><ip address='192.168.41.1' netmask='255.255.255.0' localPtr='yes'/></network>");
        string badMac = pair.WriteFile("m1.xml", "<network><name>m1</name><mac address='zz'/></network>");
        string multicast = pair.WriteFile("m2.xml", "<network><name>m2</name><mac address='01:00:00:00:00:01'/></network>");
        string floor = pair.WriteFile("fl.xml", "<network><name>fl</name><bandwidth><inbound average='10' floor='5'/></bandwidth></network>");
        string route = pair.WriteFile("rt.xml", "<network><name>rt</name><ip address='192.168.42.1' netmask='255.255.255.0'/><route address='10.0.0.0' prefix='8'/></network>");
        string badLocalPtr = pair.WriteFile("lp.xml", "<network><name>lp</name><ip address='192.168.43.1' netmask='255.255.255.0' localPtr='maybe'/></network>");
        string badMtu = pair.WriteFile("mtu.xml", "<network><name>mtu</name><mtu size='big'/></network>");
        string badTrust = pair.WriteFile("tr.xml", "<network trustGuestRxFilters='maybe'><name>tr</name></network>");
        string badIsolated = pair.WriteFile("iso.xml", "<network><name>iso</name><port isolated='1'/></network>");
        string unnamedGroup = pair.WriteFile("pg.xml", "<network><name>pg</name><forward mode='bridge'/><bridge name='br0'/><portgroup/></network>");
        string output = await pair.VirshSameAsync(
            $"net-define {good}; net-dumpxml good; net-undefine good; net-define {badMac}; net-define {multicast}; net-define {floor}; "
            + $"net-define {route}; net-define {badLocalPtr}; net-define {badMtu}; net-define {badTrust}; net-define {badIsolated}; net-define {unnamedGroup}");
        Assert.Contains("  <mac address='02:0a:0b:0c:0d:0e'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("  <ip address='192.168.41.1' netmask='255.255.255.0' localPtr='yes'>\n", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid bridge mac address 'zz' in network 'm1'", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid multicast bridge mac address '01:00:00:00:00:01' in network 'm2'", output, StringComparison.Ordinal);
        Assert.Contains("floor attribute is not supported for this config", output, StringComparison.Ordinal);
        Assert.Contains("XML error: rt: Missing required gateway attribute in route definition", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value for attribute 'localPtr' in element 'ip': 'maybe'.", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid mtu size 'big' in network 'mtu'", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value for attribute 'trustGuestRxFilters' in element 'network': 'maybe'.", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value for attribute 'isolated' in element 'port': '1'.", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Missing required name attribute in portgroup", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolAuthCowAndRefreshMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string rbd = pair.WriteFile("rbd.xml", """
            <pool type='rbd'>
              <name>ceph</name>
              <source>
                <host name='mon.example'/>
                <name>rbdpool</name>
                <auth username='admin' type='ceph'><secret uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></auth>
              </source>
              <refresh><volume allocation='capacity'/></refresh>
            </pool>
            """);
        string iscsi = pair.WriteFile("iscsi.xml", "<pool type='iscsi'><name>chap</name><source><host name='h'/><device path='iqn.2024-01.example:t'/><auth username='u' type='chap'><secret usage='my &amp; secret'/></auth></source><target><path>/dev/disk/by-path</path></target></pool>");
        string cow = pair.WriteFile("cow.xml", "<pool type='dir'><name>cow</name><features><cow state='no'/></features><target><path>/tmp/cow</path></target></pool>");
        string noAuthType = pair.WriteFile("a1.xml", "<pool type='rbd'><name>a1</name><source><host name='h'/><name>r</name><auth username='u'><secret usage='s'/></auth></source></pool>");
        string noSecret = pair.WriteFile("a2.xml", "<pool type='rbd'><name>a2</name><source><host name='h'/><name>r</name><auth type='ceph' username='u'/></source></pool>");
        string bothLookups = pair.WriteFile("a3.xml", "<pool type='rbd'><name>a3</name><source><host name='h'/><name>r</name><auth type='ceph' username='u'><secret usage='s' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></auth></source></pool>");
        string cowOnLogical = pair.WriteFile("c1.xml", "<pool type='logical'><name>c1</name><features><cow state='yes'/></features><source><name>vg</name></source></pool>");
        string badRefresh = pair.WriteFile("r1.xml", "<pool type='dir'><name>r1</name><target><path>/tmp/r1</path></target><refresh><volume allocation='all'/></refresh></pool>");
        string noIqn = pair.WriteFile("d1.xml", "<pool type='iscsi-direct'><name>d1</name><source><host name='h'/><device path='iqn.2024-01.example:t'/></source></pool>");
        string output = await pair.VirshSameAsync(
            $"pool-define {rbd}; pool-dumpxml ceph; pool-start ceph; pool-dumpxml ceph; pool-destroy ceph; pool-undefine ceph; pool-define {iscsi}; "
            + $"pool-dumpxml chap; pool-undefine chap; pool-define {cow}; pool-dumpxml cow; pool-undefine cow; pool-define {noAuthType}; "
            + $"pool-define {noSecret}; pool-define {bothLookups}; pool-define {cowOnLogical}; pool-define {badRefresh}; pool-define {noIqn}");
        Assert.Contains("    <auth type='ceph' username='admin'>\n      <secret uuid='UUID'/>\n    </auth>\n", output, StringComparison.Ordinal);
        Assert.Contains("  </source>\n  <refresh>\n    <volume allocation='capacity'/>\n  </refresh>\n</pool>", output, StringComparison.Ordinal);
        Assert.Contains("    <auth type='chap' username='u'>\n      <secret usage='my &amp; secret'/>\n    </auth>\n", output, StringComparison.Ordinal);
        Assert.Contains("  <features>\n    <cow state='no'/>\n  </features>\n  <source>\n", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: storage pool missing auth type", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Missing <secret> element in auth", output, StringComparison.Ordinal);
        Assert.Contains("either secret uuid or usage expected", output, StringComparison.Ordinal);
        Assert.Contains("cow feature may only be used for 'fs' and 'dir' pools", output, StringComparison.Ordinal);
        Assert.Contains("unknown storage pool volume refresh allocation type all", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: missing initiator IQN", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeEncryptionAndClusterSizeMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string luks = pair.WriteFile("luks.xml", """
            <volume>
              <name>enc.img</name>
              <capacity unit='M'>5</capacity>
              <target>
                <format type='qcow2'/>
                <encryption format='luks'>
                  <ivgen hash='sha256' name='plain64'/>
                  <cipher hash='sha256' mode='xts' size='0256' name='aes'/>
                  <secret uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f' type='passphrase'/>
                </encryption>
                <clusterSize unit='KiB'>64</clusterSize>
                <features><lazy_refcounts/></features>
              </target>
            </volume>
            """);
        string empty = pair.WriteFile("qcow.xml", "<volume><name>q.img</name><capacity>1024</capacity><target><encryption format='qcow'><cipher name='aes' size='128'/></encryption></target></volume>");
        string noFormat = pair.WriteFile("e1.xml", "<volume><name>e1</name><capacity>1024</capacity><target><encryption/></target></volume>");
        string ivgenAlone = pair.WriteFile("e2.xml", "<volume><name>e2</name><capacity>1024</capacity><target><encryption format='luks'><ivgen name='plain64'/></encryption></target></volume>");
        string badEngine = pair.WriteFile("e3.xml", "<volume><name>e3</name><capacity>1024</capacity><target><encryption format='luks' engine='default'/></target></volume>");
        string badCluster = pair.WriteFile("e4.xml", "<volume><name>e4</name><capacity>1024</capacity><target><clusterSize>lots</clusterSize></target></volume>");
        string output = await pair.VirshSameAsync(
            $"vol-create default-pool {luks}; vol-dumpxml enc.img --pool default-pool; vol-create default-pool {empty}; vol-dumpxml q.img --pool default-pool; "
            + $"vol-create default-pool {noFormat}; vol-create default-pool {ivgenAlone}; vol-create default-pool {badEngine}; vol-create default-pool {badCluster}");
        Assert.Contains(
            "    <encryption format='luks'>\n      <secret type='passphrase' uuid='UUID'/>\n      <cipher name='aes' size='256' mode='xts' hash='sha256'/>\n"
            + "      <ivgen name='plain64' hash='sha256'/>\n    </encryption>\n    <compat>1.1</compat>\n    <clusterSize unit='B'>65536</clusterSize>\n",
            output,
            StringComparison.Ordinal);
        Assert.Contains("    <encryption format='qcow'>\n    </encryption>\n", output, StringComparison.Ordinal);
        Assert.Contains("XML error: unknown volume encryption format", output, StringComparison.Ordinal);
        Assert.Contains("XML error: ivgen element found, but cipher is missing", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value for attribute 'engine' in element 'encryption': 'default'.", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value 'lots' for element or attribute './target/clusterSize'", output, StringComparison.Ordinal);
    }
}
