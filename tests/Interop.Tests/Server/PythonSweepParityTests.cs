using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The sweep of every public method of python3-libvirt's classes: what differed between libvirtd 9.0.0's test driver
/// and our server. Each test runs the same python snippet against both and demands the same output.
/// </summary>
public sealed class PythonSweepParityTests
{
    [Fact]
    public async Task SetIdentityChecksNamesAndTypesAndIgnoresFlags()
    {
        string output = await SameAsync("""
            for p in [{'user-name': 'x'}, {'nope': 'x'}, {'unix-user-id': 5}, {'process-id': 5}, {},
                      {'system.token': 'x', 'selinux-context': 'y', 'x509-distinguished-name': 'z', 'sasl-user-name': 's',
                       'process-time': 1, 'unix-group-id': 1, 'group-name': 'g'}]:
                err(sorted(p), lambda: conn.setIdentity(p, 0))
            err('flags', lambda: conn.setIdentity({'user-name': 'x'}, 7))
            err('after', lambda: conn.getType())
            """);
        Assert.Contains("['user-name'] 0", output, StringComparison.Ordinal);
        Assert.Contains("['nope'] ERR 74 0 argument unsupported: parameter 'nope' not supported", output, StringComparison.Ordinal);
        Assert.Contains("flags 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterfaceDefinitionsAreCheckedAndWrittenBackAsLibvirtParsesThem()
    {
        string output = await SameAsync("""
            xs = ["<interface/>", "<interface type='bogus' name='a'/>", "<interface type='' name='a'/>", "<interface type='ethernet'/>",
                  "<interface type='ethernet' name=''/>", "<interface type='bridge' name='br9'/>",
                  "<interface type='bridge' name='br8'><bridge><interface type='bridge' name='x'/></bridge></interface>",
                  "<interface type='vlan' name='v'/>", "<interface type='bond' name='b'/>",
                  "<interface type='ethernet' name='e1'><start mode='x'/></interface>", "<interface type='ethernet' name='e2'><mtu size='200000'/></interface>",
                  "<interface type='ethernet' name='e3'><mtu size='abc'/></interface>", "<interface type='ethernet' name='e4'><protocol/></interface>",
                  "<interface type='ethernet' name='e5'><protocol family='ipx'/></interface>",
                  "<interface type='ethernet' name='e6'><protocol family='ipv4'><dhcp peerdns='maybe'/></protocol></interface>",
                  "<interface type='ethernet' name='e7'><protocol family='ipv4'><ip address='1.2.3.4' prefix='x'/></protocol></interface>",
                  "<interface type='ethernet' name='e8'><link state='sideways'/></interface>", "<interface type='ethernet' name='e10'><link speed='-1'/></interface>",
                  "<interface type='bond' name='b1'><bond mode='x'/></interface>", "<interface type='bond' name='b2'><bond><interface type='vlan' name='q'/></bond></interface>",
                  "<interface type='bond' name='b3'><bond><miimon/></bond></interface>", "<interface type='bond' name='b4'><bond><miimon freq='1' downdelay='x'/></bond></interface>",
                  "<interface type='bond' name='b5'><bond><miimon freq='1' carrier='q'/></bond></interface>", "<interface type='bond' name='b6'><bond><arpmon interval='3'/></bond></interface>",
                  "<interface type='bond' name='b7'><bond><arpmon interval='3' target='1.2.3.4' validate='z'/></bond></interface>",
                  "<interface type='vlan' name='v1'><vlan/></interface>", "<interface type='vlan' name='v2'><vlan tag='4'/></interface>",
                  "<interface type='bridge' name='br1'><bridge><interface type='ethernet'/></bridge></interface>",
                  "<interface type='ethernet' name='e11'><start mode='onboot'/><mtu size='1500'/><mac address='AA:BB:CC:00:00:01'/><protocol family='ipv4'><dhcp peerdns='yes'/><ip address='1.2.3.4' prefix='24'/><route gateway='1.2.3.1'/></protocol><protocol family='ipv6'><autoconf/><ip address='::1' prefix='64'/></protocol><link state='up' speed='1000'/></interface>",
                  "<interface type='bridge' name='br2'><start mode='onboot'/><mac address='aa:bb:cc:00:00:02'/><bridge stp='off' delay='0.01'><interface type='ethernet' name='eth7'><mac address='aa:bb:cc:00:00:03'/></interface><interface type='vlan' name='eth7.4'><vlan tag='4'><interface name='eth7'/></vlan></interface></bridge></interface>",
                  "<interface type='bond' name='bond0'><start mode='none'/><bond mode='active-backup'><miimon freq='100' updelay='10' carrier='ioctl'/><interface type='ethernet' name='eth8'><mac address='aa:bb:cc:00:00:04'/></interface></bond></interface>",
                  "<interface type='bond' name='bond1'><bond><arpmon interval='100' target='192.168.1.1' validate='active'/><interface type='ethernet' name='eth9'/></bond></interface>",
                  "<interface type='vlan' name='eth0.42'><start mode='onboot'/><vlan tag='42'><interface name='eth0'/></vlan><unknown/></interface>",
                  "<interface type='bridge' name='br3'><bridge stp='maybe'/></interface>"]
            for x in xs:
                def f():
                    i = conn.interfaceDefineXML(x, 0)
                    return (i.name(), i.MACString(), i.XMLDesc(0))
                err(x, f)
            err('bymac', lambda: conn.interfaceLookupByMACString('aa:bb:cc:00:00:02').name())
            err('bymac', lambda: conn.interfaceLookupByMACString('AA:bb:cc:00:00:01').name())
            """);
        Assert.Contains("ERR 27 5 XML error: Missing required attribute 'type' in element 'interface'", output, StringComparison.Ordinal);
        Assert.Contains("ERR 27 26 XML error: bridge interface misses the bridge element", output, StringComparison.Ordinal);
        Assert.Contains("<link speed='1000' state='up'/>\\n  <mac address='AA:BB:CC:00:00:01'/>", output, StringComparison.Ordinal);
        Assert.Contains("bymac ERR 59", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolAdaptersAreParsedCheckedAndWrittenAsLibvirtDoes()
    {
        string output = await SameAsync("""
            c, t = conn, err
            P = "<pool type='%s'><name>%s</name><source>%s</source><target><path>/dev/disk/by-path</path></target></pool>"
            srcs = ["", "<adapter name='host0'/>", "<adapter/>", "<adapter name='host0' wwnn='1'/>", "<adapter name='host0'><parentaddr/></adapter>",
                    "<adapter type='default' name='h'/>", "<adapter type='bogus'/>", "<adapter type='scsi_host'/>", "<adapter type='scsi_host' name='host1'/>",
                    "<adapter type='scsi_host'><parentaddr unique_id='5'><address domain='0' bus='0x1' slot='2' function='3'/></parentaddr></adapter>",
                    "<adapter type='scsi_host'><parentaddr unique_id='5'/></adapter>", "<adapter type='scsi_host'><parentaddr><address domain='0' bus='0' slot='0' function='0'/></parentaddr></adapter>",
                    "<adapter type='scsi_host' name='h'><parentaddr unique_id='1'><address domain='0' bus='0' slot='0' function='0'/></parentaddr></adapter>",
                    "<adapter type='fc_host'/>", "<adapter type='fc_host' wwnn='2000000012341234' wwpn='zz'/>",
                    "<adapter type='fc_host' wwnn='0x2000000012341234' wwpn='1000000012341234' parent_wwnn='2000000012341299'/>",
                    "<adapter type='fc_host' wwnn='2000000012341234' wwpn='1000000012341234' managed='maybe'/>",
                    "<adapter type='fc_host' parent='scsi_host1' managed='yes' wwnn='2000000012341234' wwpn='1000000012341234' parent_fabric_wwn='2000000012341235'/>"]
            for i, s in enumerate(srcs):
                t('scsi ' + s, lambda: c.storagePoolDefineXML(P % ('scsi', 'sc%d' % i, s), 0).XMLDesc(0))
            t('dir with adapter', lambda: c.storagePoolDefineXML("<pool type='dir'><name>da</name><source><adapter type='bogus'/></source><target><path>/x</path></target></pool>", 0).XMLDesc(0))
            t('dir with adapter ok', lambda: c.storagePoolDefineXML("<pool type='dir'><name>db</name><source><adapter name='x' wwnn='1'/></source><target><path>/x</path></target></pool>", 0).XMLDesc(0))
            t('dir with adapter ok2', lambda: c.storagePoolDefineXML("<pool type='dir'><name>dc</name><source><adapter type='scsi_host' name='x'/></source><target><path>/x</path></target></pool>", 0).XMLDesc(0))
            """);
        Assert.Contains("<adapter type='scsi_host' name='host0'/>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: missing storage pool source adapter", output, StringComparison.Ordinal);
        Assert.Contains("internal error: Malformed wwn: zz", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeFormatsAndPermissionsFollowThePoolType()
    {
        string output = await SameAsync("""
            c, t = conn, err
            for j, perm in enumerate(["<mode>0755</mode><owner>-1</owner><group>-1</group>", "<owner>0</owner>", "<owner>4294967295</owner>", "<owner>4294967296</owner>",
                         "<group>-2</group>", "<owner></owner>", "<owner>x</owner>", "<label></label>", "<label>a&amp;b</label>", "<mode>7</mode>", "<mode>0</mode>",
                         "<mode>1777</mode>", "<mode>888</mode>", "<mode>-1</mode>", "", "<owner>-1</owner>"]):
                t('pool perm ' + perm, lambda: c.storagePoolDefineXML("<pool type='dir'><name>pp%d</name><target><path>/x%d</path><permissions>%s</permissions></target></pool>" % (j, j, perm), 0).XMLDesc(0))
                t('vol perm ' + perm, lambda: c.storagePoolLookupByName('default-pool').createXML("<volume><name>v%d</name><capacity>1</capacity><target><permissions>%s</permissions></target></volume>" % (j, perm), 0).XMLDesc(0))
            for k, f in enumerate(['nope', 'none', 'raw', 'qcow2', 'vmdk', 'iso', 'linux', 'dir']):
                t('vol fmt ' + f, lambda: c.storagePoolLookupByName('default-pool').createXML("<volume><name>f%d</name><capacity>1</capacity><target><format type='%s'/></target></volume>" % (k, f), 0).XMLDesc(0))
                t('vol backing fmt ' + f, lambda: c.storagePoolLookupByName('default-pool').createXML("<volume><name>g%d</name><capacity>1</capacity><backingStore><path>/x</path><format type='%s'/></backingStore></volume>" % (k, f), 0).XMLDesc(0))
            dp = c.storagePoolCreateXML("<pool type='disk'><name>dk</name><source><device path='/dev/sdz'/></source><target><path>/dev</path></target></pool>", 0)
            for k, f in enumerate(['nope', 'none', 'raw', 'linux', 'extended']):
                t('disk vol fmt ' + f, lambda: dp.createXML("<volume><name>sdz%d</name><capacity>1</capacity><target><format type='%s'/></target></volume>" % (k + 1, f), 0).XMLDesc(0))
            lp = c.storagePoolCreateXML("<pool type='logical'><name>lv</name><source><name>vg</name></source><target><path>/dev/vg</path></target></pool>", 0)
            t('logical vol fmt', lambda: lp.createXML("<volume><name>l1</name><capacity>1</capacity><target><format type='nope'/></target></volume>", 0).XMLDesc(0))
            """);
        Assert.Contains("ERR 67 18 unsupported configuration: unknown volume format type nope", output, StringComparison.Ordinal);
        Assert.Contains("<mode>07</mode>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: malformed owner element", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolsThatShareStorageWithAnotherPoolAreRefused()
    {
        string output = await SameAsync("""
            c, t = conn, err
            defs = [
             ("dir", "<pool type='dir'><name>d1</name><target><path>/default-pool</path></target></pool>"),
             ("dir", "<pool type='dir'><name>d2</name><target><path>/default-pool/</path></target></pool>"),
             ("dir", "<pool type='dir'><name>default-pool</name><target><path>/default-pool</path></target></pool>"),
             ("fs", "<pool type='fs'><name>f1</name><source><device path='/dev/sda'/></source><target><path>/a</path></target></pool>"),
             ("fs", "<pool type='fs'><name>f2</name><source><device path='/dev/sda'/></source><target><path>/b</path></target></pool>"),
             ("logical", "<pool type='logical'><name>l1</name><source><device path='/dev/sda'/><name>vg</name></source><target><path>/dev/vg</path></target></pool>"),
             ("disk", "<pool type='disk'><name>k1</name><source><device path='/dev/sdb'/><device path='/dev/sda'/></source><target><path>/dev</path></target></pool>"),
             ("iscsi", "<pool type='iscsi'><name>i1</name><source><host name='h'/><device path='/dev/sda'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("iscsi", "<pool type='iscsi'><name>i2</name><source><host name='h2'/><device path='/dev/sda'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("iscsi", "<pool type='iscsi'><name>i3</name><source><host name='h2'/><device path='/dev/sda'/><initiator><iqn name='iqn.a'/></initiator></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("netfs", "<pool type='netfs'><name>n1</name><source><host name='h'/><dir path='/e'/></source><target><path>/mnt/1</path></target></pool>"),
             ("netfs", "<pool type='netfs'><name>n2</name><source><host name='h'/><dir path='/e'/></source><target><path>/mnt/2</path></target></pool>"),
             ("netfs", "<pool type='netfs'><name>n3</name><source><host name='h' port='5'/><dir path='/e'/></source><target><path>/mnt/3</path></target></pool>"),
             ("netfs", "<pool type='netfs'><name>n4</name><source><host name='h2'/><dir path='/e'/></source><target><path>/mnt/4</path></target></pool>"),
             ("gluster", "<pool type='gluster'><name>g1</name><source><host name='g'/><name>vol</name></source></pool>"),
             ("gluster", "<pool type='gluster'><name>g2</name><source><host name='g'/><name>vol</name><dir path='/'/></source></pool>"),
             ("mpath", "<pool type='mpath'><name>m1</name><target><path>/dev/mapper</path></target></pool>"),
             ("mpath", "<pool type='mpath'><name>m2</name><target><path>/dev/mapper</path></target></pool>"),
             ("vstorage", "<pool type='vstorage'><name>v1</name><source><name>c</name></source><target><path>/v</path></target></pool>"),
             ("vstorage", "<pool type='vstorage'><name>v2</name><source><name>c</name></source><target><path>/w</path></target></pool>"),
             ("sheepdog", "<pool type='sheepdog'><name>s1</name><source><host name='s'/><name>x</name></source></pool>"),
             ("sheepdog", "<pool type='sheepdog'><name>s2</name><source><host name='s'/><name>y</name></source></pool>"),
             ("rbd", "<pool type='rbd'><name>r1</name><source><host name='m'/><name>rp</name></source></pool>"),
             ("rbd", "<pool type='rbd'><name>r2</name><source><host name='m'/><name>rp</name></source></pool>"),
             ("zfs", "<pool type='zfs'><name>z1</name><source><name>tank</name><device path='/dev/sdb'/></source></pool>"),
             ("scsi", "<pool type='scsi'><name>c1</name><source><adapter name='host1'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("scsi", "<pool type='scsi'><name>c2</name><source><adapter type='scsi_host' name='scsi_host1'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("scsi", "<pool type='scsi'><name>c3</name><source><adapter type='fc_host' parent='host1' wwnn='2000000012341234' wwpn='1000000012341234'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("scsi", "<pool type='scsi'><name>c4</name><source><adapter type='fc_host' wwnn='2000000012341234' wwpn='1000000012341234'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("scsi", "<pool type='scsi'><name>c5</name><source><adapter type='fc_host' wwnn='2000000012341235' wwpn='1000000012341234'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("scsi", "<pool type='scsi'><name>c6</name><source><adapter name='bogus'/></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("scsi", "<pool type='scsi'><name>c7</name><source><adapter type='scsi_host'><parentaddr unique_id='1'><address domain='0' bus='0' slot='0' function='0'/></parentaddr></adapter></source><target><path>/dev/disk/by-path</path></target></pool>"),
             ("scsi", "<pool type='scsi'><name>c8</name><source><adapter type='scsi_host'><parentaddr unique_id='1'><address domain='0' bus='0' slot='0' function='0'/></parentaddr></adapter></source><target><path>/dev/disk/by-path</path></target></pool>"),
            ]
            for kind, x in defs:
                t('define ' + x, lambda: c.storagePoolDefineXML(x, 0).name())
            t('create dup', lambda: c.storagePoolCreateXML("<pool type='dir'><name>cd</name><target><path>/default-pool</path></target></pool>", 0).name())
            t('pools', lambda: sorted(c.listDefinedStoragePools()))
            """);
        Assert.Contains("ERR 9 18 operation failed: Storage source conflict with pool: 'default-pool'", output, StringComparison.Ordinal);
        Assert.Contains("Storage source conflict with pool: 'c7'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DhcpRangesAreCheckedAgainstTheirNetworkAndWrittenInCanonicalForm()
    {
        string output = await SameAsync("""
            c, t = conn, err
            NX = "<network><name>r%d</name><ip %s><dhcp>%s</dhcp></ip></network>"
            cases = [("address='10.0.0.1' netmask='255.255.0.0'", "<range start='10.1.0.2' end='10.0.0.9'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.0' end='10.0.0.9'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.2' end='10.0.0.255'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.9' end='10.0.0.2'/>"),
                     ("address='10.0.0.1' prefix='8'", "<range start='10.0.0.2' end='10.1.0.2'/>"),
                     ("address='10.0.0.1' prefix='8'", "<range start='10.0.0.2' end='10.0.200.2'/>"),
                     ("address='10.0.0.1'", "<range start='10.0.0.2' end='10.0.200.2'/>"),
                     ("address='192.168.5.1'", "<range start='192.168.5.2' end='192.168.6.2'/>"),
                     ("address='172.16.0.1'", "<range start='172.16.0.2' end='172.16.200.2'/>"),
                     ("address='230.0.0.1'", "<range start='230.0.0.2' end='230.0.0.9'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range end='10.0.0.9'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.9'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='bogus' end='10.0.0.9'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.3' end='::1'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='::2' end='::1'/>"),
                     ("family='ipv6' address='2001:db8::1' prefix='64'", "<range start='2001:db8::10' end='2001:db8::5'/>"),
                     ("family='ipv6' address='2001:db8::1' prefix='64'", "<range start='2001:db8::10' end='2001:db8::1:5'/>"),
                     ("family='ipv6' address='2001:db8::1' prefix='64'", "<range start='2001:db9::10' end='2001:db8::15'/>"),
                     ("family='ipv6' address='2001:db8::1'", "<range start='2001:db8::10' end='2001:db8::15'/>"),
                     ("family='ipv6' address='2001:db8::1' prefix='64'", "<range start='2001:db8::10' end='2001:db8::15'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.2' end='10.0.0.9'><lease expiry='1' unit='hours'/></range>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.02' end='10.0.0.9'/>"),
                     ("address='10.0.0.1' prefix='24'", "<range start='10.0.0.2' end='10.0.0.9'/><range start='10.0.1.2' end='10.0.1.9'/>")]
            for i, (ip, rng) in enumerate(cases):
                t('%s %s' % (ip, rng), lambda: c.networkDefineXML(NX % (i, ip, rng)).XMLDesc(0))
            """);
        Assert.Contains("ERR 1 0 internal error: range 10.0.0.9 - 10.0.0.2 is reversed \n", output, StringComparison.Ordinal);
        Assert.Contains("ERR 1 0 internal error: bad prefix -1 for network 230.0.0.1 when  checking range 230.0.0.2 - 230.0.0.9", output, StringComparison.Ordinal);
        Assert.Contains("<range start='10.0.0.2' end='10.0.0.9'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListingFlagsFilterAndAreCheckedAsInLibvirt()
    {
        string output = await SameAsync("""
            c, t = conn, err
            DXML = "<domain type='test'><name>%s</name><memory>1024</memory><os><type>hvm</type></os></domain>"
            def norm(l): return [o.getName() if hasattr(o, 'getName') else o.name() for o in l]
            d = c.lookupByName('test')
            for n in ['c1', 'c2', 'c3']:
                d.checkpointCreateXML('<domaincheckpoint><name>%s</name></domaincheckpoint>' % n, 0)
            for fl in [0, 1, 2, 4, 8, 12, 13, 3, 16]:
                t('listAllCheckpoints %d' % fl, lambda: sorted(norm(d.listAllCheckpoints(fl))))
                t('children %d' % fl, lambda: sorted(norm(d.checkpointLookupByName('c1', 0).listAllChildren(fl))))
            x = c.defineXML(DXML % 'x')
            for n in ['s1', 's2']:
                x.snapshotCreateXML('<domainsnapshot><name>%s</name></domainsnapshot>' % n, 0)
            for fl in [4, 8, 12, 13, 12 | 2, 12 | 16, 12 | 1024]:
                t('listAllSnapshots %d' % fl, lambda: sorted(norm(x.listAllSnapshots(fl))))
                t('snapshotNum %d' % fl, lambda: x.snapshotNum(fl))
                t('children %d' % fl, lambda: sorted(norm(x.snapshotLookupByName('s1', 0).listAllChildren(fl))))
                t('childnum %d' % fl, lambda: x.snapshotLookupByName('s1', 0).numChildren(fl))
            for fl in [1 << i for i in range(14, 22)]:
                t('listAllDomains %d' % fl, lambda: sorted(norm(c.listAllDomains(fl))))
            for fl in [1 << i for i in range(0, 24)]:
                t('listAllNetworks %d' % fl, lambda: sorted(norm(c.listAllNetworks(fl))))
                t('listAllStoragePools %d' % fl, lambda: sorted(norm(c.listAllStoragePools(fl))))
                t('listAllInterfaces %d' % fl, lambda: sorted(norm(c.listAllInterfaces(fl))))
                t('listAllDevices %d' % (fl << 8), lambda: sorted(norm(c.listAllDevices(fl << 8))))
                t('listAllSecrets %d' % fl, lambda: c.listAllSecrets(fl))
                t('listAllNWFilters %d' % fl, lambda: c.listAllNWFilters(fl))
                t('listAllPorts %d' % fl, lambda: c.networkLookupByName('default').listAllPorts(fl))
                t('listAllVolumes %d' % fl, lambda: c.storagePoolLookupByName('default-pool').listAllVolumes(fl))
            """);
        Assert.Contains("listAllSnapshots 12 []", output, StringComparison.Ordinal);
        Assert.Contains("listAllCheckpoints 12 []", output, StringComparison.Ordinal);
        Assert.Contains("listAllDomains 65536 ERR 8 12 unsupported flags (0x10000) in function testConnectListAllDomains", output, StringComparison.Ordinal);
    }

    private static async Task<string> SameAsync(string snippet)
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.PythonSameAsync(TestDriverPair.PythonPrelude + "\n" + snippet);
        Assert.Contains("exit 0", output, StringComparison.Ordinal);
        return output;
    }
}
