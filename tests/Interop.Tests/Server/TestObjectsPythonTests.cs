using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>python3-libvirt sees the same non-domain objects, values and errors from our server as from libvirtd's test driver.</summary>
public sealed class TestObjectsPythonTests
{
    private const string Script = """
        import sys, libvirt
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        c = libvirt.open(sys.argv[1])
        def t(label, f):
            try:
                print(label, "OK", f())
            except libvirt.libvirtError as e:
                print(label, "ERR", e.get_error_code(), e.get_error_domain(), e.get_error_message())
        t("nets", lambda: sorted((n.name(), n.UUIDString(), n.isActive(), n.isPersistent(), n.autostart()) for n in c.listAllNetworks(0)))
        t("pools", lambda: sorted((p.name(), p.UUIDString(), p.info(), p.isActive(), p.isPersistent()) for p in c.listAllStoragePools(0)))
        t("pooldirs", lambda: [p.name() for p in c.listAllStoragePools(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_DIR)])
        t("poolfs", lambda: [p.name() for p in c.listAllStoragePools(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_FS)])
        t("ifaces", lambda: sorted((i.name(), i.MACString(), i.isActive()) for i in c.listAllInterfaces(0)))
        t("devs", lambda: sorted(d.name() for d in c.listAllDevices(0)))
        t("devsfc", lambda: sorted(d.name() for d in c.listAllDevices(libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_FC_HOST)))
        t("devsvports", lambda: sorted(c.listDevices('vports')))
        t("devnum", lambda: (c.numOfDevices(None), c.numOfDevices('scsi_host'), c.numOfDevices('system')))
        t("devnumflags", lambda: c.numOfDevices(None, 1))
        t("devparent", lambda: [c.nodeDeviceLookupByName(n).parent() for n in ('computer', 'scsi_host1', 'scsi_host11')])
        t("devcaps", lambda: [c.nodeDeviceLookupByName(n).listCaps() for n in ('computer', 'scsi_host1')])
        t("counts", lambda: (c.numOfNetworks(), c.numOfDefinedNetworks(), c.numOfStoragePools(), c.numOfDefinedStoragePools(), c.numOfInterfaces(), c.numOfDefinedInterfaces()))
        t("netname", lambda: c.networkLookupByName("x"))
        t("netuuid", lambda: c.networkLookupByUUIDString("00000000-0000-0000-0000-000000000000"))
        t("pool", lambda: c.storagePoolLookupByName("x"))
        t("pooluuid", lambda: c.storagePoolLookupByUUIDString("00000000-0000-0000-0000-000000000000"))
        t("iface", lambda: c.interfaceLookupByName("x"))
        t("ifacemac", lambda: c.interfaceLookupByMACString("00:00:00:00:00:00"))
        t("nodedev", lambda: c.nodeDeviceLookupByName("x"))
        t("volpath", lambda: c.storageVolLookupByPath("/x"))
        t("volkey", lambda: c.storageVolLookupByKey("/x"))
        n = c.networkLookupByName("default")
        t("netxmlflag", lambda: n.XMLDesc(1))
        t("netstart", lambda: n.create())
        t("netundef", lambda: n.undefine())
        t("bridge", lambda: n.bridgeName())
        t("netdefbad", lambda: c.networkDefineXML("<network><name>bad</name><forward mode='bogus'/></network>"))
        t("netdefnotxml", lambda: c.networkDefineXML("garbage"))
        t("netdefnoname", lambda: c.networkDefineXML("<network/>"))
        t("netdefdup", lambda: c.networkDefineXML("<network><name>default</name></network>"))
        t("netdefdupuuid", lambda: c.networkDefineXML("<network><name>other</name><uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid></network>"))
        t("netcreatedup", lambda: c.networkCreateXML("<network><name>default</name></network>"))
        t("netdefwrongroot", lambda: c.networkDefineXML("<pool><name>x</name></pool>"))
        t("netdefbaduuid", lambda: c.networkDefineXML("<network><name>x</name><uuid>zzz</uuid></network>"))
        t("netdefnobridge", lambda: c.networkDefineXML("<network><name>nob</name><uuid>11111111-2222-3333-4444-555555555599</uuid></network>").XMLDesc())
        t("nobridge", lambda: c.networkLookupByName("nob").bridgeName())
        t("listallflags", lambda: c.listAllNetworks(1<<20))
        t("inactive", lambda: [x.name() for x in c.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_INACTIVE)])
        p = c.storagePoolLookupByName("default-pool")
        t("poolsetauto", lambda: p.setAutostart(1))
        t("poolauto", lambda: p.autostart())
        t("pooldefdup", lambda: c.storagePoolDefineXML("<pool type='dir'><name>default-pool</name><target><path>/x</path></target></pool>"))
        t("pooldefdupuuid", lambda: c.storagePoolDefineXML("<pool type='dir'><name>zz</name><uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid><target><path>/x</path></target></pool>"))
        t("pooldefbadtype", lambda: c.storagePoolDefineXML("<pool type='bogus'><name>zz</name><target><path>/x</path></target></pool>"))
        t("pooldefnotype", lambda: c.storagePoolDefineXML("<pool><name>zz</name><target><path>/x</path></target></pool>"))
        t("pooldefnotarget", lambda: c.storagePoolDefineXML("<pool type='dir'><name>zz</name></pool>"))
        t("pooldefgarbage", lambda: c.storagePoolDefineXML("garbage"))
        t("poolcreate", lambda: c.storagePoolCreateXML("<pool type='dir'><name>tr</name><uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4599</uuid><target><path>/tr</path></target></pool>", 0).XMLDesc())
        t("transientauto", lambda: c.storagePoolLookupByName("tr").setAutostart(1))
        t("transientautoget", lambda: c.storagePoolLookupByName("tr").autostart())
        t("transientpersist", lambda: c.storagePoolLookupByName("tr").isPersistent())
        t("transientdestroy", lambda: c.storagePoolLookupByName("tr").destroy())
        t("transientgone", lambda: c.storagePoolLookupByName("tr"))
        t("volcreatebad", lambda: p.createXML("garbage", 0))
        t("volcreatenoname", lambda: p.createXML("<volume><capacity>10</capacity></volume>", 0))
        t("volcreatenocap", lambda: p.createXML("<volume><name>a</name></volume>", 0))
        t("volcreatebig", lambda: p.createXML("<volume><name>big</name><capacity unit='T'>1</capacity></volume>", 0))
        t("volcreate", lambda: p.createXML("<volume><name>a</name><capacity unit='M'>1</capacity><allocation>0</allocation></volume>", 0).XMLDesc())
        t("volinfo", lambda: p.storageVolLookupByName("a").info())
        t("volbyname", lambda: p.storageVolLookupByName("nope"))
        t("volkey2", lambda: c.storageVolLookupByKey("/default-pool/a").name())
        t("listvols", lambda: [(v.name(), v.key(), v.path()) for v in p.listAllVolumes()])
        t("numvols", lambda: (p.numOfVolumes(), p.listVolumes()))
        t("poolbyvol", lambda: p.storageVolLookupByName("a").storagePoolLookupByVolume().name())
        t("clone", lambda: p.createXMLFrom("<volume><name>b</name><capacity>10</capacity></volume>", p.storageVolLookupByName("a"), 0).XMLDesc())
        t("findlogical", lambda: c.findStoragePoolSources("logical", None, 0))
        t("findnetfs", lambda: c.findStoragePoolSources("netfs", "<source><host name='nfs.example'/></source>", 0))
        t("findnetfsnohost", lambda: c.findStoragePoolSources("netfs", None, 0))
        t("finddir", lambda: c.findStoragePoolSources("dir", None, 0))
        t("findbogus", lambda: c.findStoragePoolSources("bogus", None, 0))
        t("ifacexml", lambda: c.interfaceLookupByName("eth1").XMLDesc(0))
        t("ifacedefine", lambda: c.interfaceDefineXML("<interface type='ethernet' name='eth9'><mac address='00:11:22:33:44:55'/></interface>", 0).XMLDesc(0))
        t("ifacelist", lambda: sorted((i.name(), i.MACString()) for i in c.listAllInterfaces(0)))
        t("ifacecreate", lambda: c.interfaceLookupByName("eth1").create(0))
        t("ifaceundef", lambda: c.interfaceLookupByName("eth1").undefine())
        t("ifacedestroy9", lambda: c.interfaceLookupByName("eth9").destroy(0))
        """;

    [Fact]
    public async Task ListsLookupsAndErrorsMatchLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string output = await both.AssertSamePythonAsync(Script);
        Assert.Contains("nets OK [('default', 'dd8fe884-6c02-601e-7551-cca97df1c5df', 1, 1, 0)]", output, StringComparison.Ordinal);
        Assert.Contains("netname ERR 43 12 Network not found: no network with matching name 'x'", output, StringComparison.Ordinal);
    }
}
