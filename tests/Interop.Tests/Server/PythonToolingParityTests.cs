using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The python3-libvirt calls virt-install, virt-manager and similar tools make, against libvirtd 9.0.0's test driver
/// and our server: the same answers and the same errors (code, domain, message).
/// </summary>
public sealed class PythonToolingParityTests
{
    private const string Prelude = """
        import sys, libvirt
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        c = libvirt.open(sys.argv[1])
        def t(label, f):
            try: r = f()
            except libvirt.libvirtError as e: r = ('ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
            print(label, '=>', r)

        """;

    private const string HostAndStorageScript = Prelude + """
        cpu = "<cpu><arch>x86_64</arch><model>Haswell</model><vendor>Intel</vendor></cpu>"
        t('caps', lambda: c.getCapabilities())
        t('domcaps', lambda: c.getDomainCapabilities(None, 'x86_64', None, 'test', 0))
        t('compare', lambda: c.compareCPU(cpu, 0))
        t('hypcompare', lambda: c.compareHypervisorCPU(None, None, None, None, cpu, 0))
        t('keepalive', lambda: c.setKeepAlive(5, 3))
        t('uri', lambda: c.getURI())
        t('sysinfo', lambda: c.getSysinfo(0))
        t('maxvcpus', lambda: c.getMaxVcpus('test'))
        t('nodeinfo', lambda: c.getInfo())
        t('nodemem', lambda: c.getMemoryStats(-1, 0))
        t('secrets', lambda: c.listAllSecrets(0))
        t('nwfilters', lambda: c.listAllNWFilters(0))
        t('pools', lambda: sorted(p.name() for p in c.listAllStoragePools(0)))
        p = c.storagePoolLookupByName('default-pool')
        t('pool', lambda: (p.XMLDesc(0), p.info(), p.isActive(), p.isPersistent(), p.autostart()))
        t('vols', lambda: sorted(v.name() for v in p.listAllVolumes(0)))
        t('volcreate', lambda: p.createXML("<volume><name>a.img</name><capacity unit='M'>10</capacity></volume>", 0).path())
        t('volqcow2', lambda: p.createXML("<volume><name>b.qcow2</name><capacity unit='G'>1</capacity><target><format type='qcow2'/>"
                                         "<compat>1.1</compat><features><lazy_refcounts/></features></target></volume>", 0).XMLDesc(0))
        t('volfeatures', lambda: p.createXML("<volume><name>c.qcow2</name><capacity>1</capacity><target><format type='qcow2'/>"
                                            "<features/></target></volume>", 0).XMLDesc(0))
        t('volbadcompat', lambda: p.createXML("<volume><name>d.qcow2</name><capacity>1</capacity><target><compat>x</compat></target></volume>", 0))
        t('volbadfeature', lambda: p.createXML("<volume><name>e.qcow2</name><capacity>1</capacity><target><features><nope/></features></target></volume>", 0))
        t('volbypath', lambda: c.storageVolLookupByPath('/default-pool/a.img').name())
        t('volbykey', lambda: c.storageVolLookupByKey('/default-pool/b.qcow2').name())
        t('volbypath-missing', lambda: c.storageVolLookupByPath('/nope/a.img'))
        t('volinfo', lambda: c.storageVolLookupByPath('/default-pool/a.img').info())
        t('vols-after', lambda: sorted(v.name() for v in p.listAllVolumes(0)))
        t('net', lambda: c.networkLookupByName('default').XMLDesc(0))
        t('net-missing', lambda: c.networkLookupByName('nope'))
        t('nets', lambda: sorted(n.name() for n in c.listAllNetworks(0)))
        t('ifaces', lambda: sorted(i.name() for i in c.listAllInterfaces(0)))
        t('devs', lambda: sorted(d.name() for d in c.listAllDevices(0)))
        t('nodedev', lambda: c.nodeDeviceLookupByName('computer').XMLDesc(0))
        t('nodedev-missing', lambda: c.nodeDeviceLookupByName('nope'))
        """;

    private const string DomainScript = Prelude + """
        d = c.lookupByName('test')
        for fl in (0, 1, 2, 8):
            t('xml%d' % fl, lambda: d.XMLDesc(fl))
        t('defineflags', lambda: c.defineXMLFlags("<domain type='test'><name>df</name><memory>1024</memory><os><type>hvm</type></os>"
                                                 "<devices><console type='pty'/><graphics type='vnc'/></devices></domain>", 0).XMLDesc(0))
        t('cdrom', lambda: c.defineXML("<domain type='test'><name>cd</name><memory>1024</memory><os><type>hvm</type></os><devices>"
                                      "<disk type='file' device='cdrom'><source file='/x.iso'/><target dev='hdc'/><boot order='1'/></disk>"
                                      "<disk type='file' device='floppy'><source file='/f.img'/><target dev='fdb'/></disk>"
                                      "<disk type='file'><source file='/s.img'/><target dev='sdaa'/></disk></devices></domain>").XMLDesc(0))
        t('bootboth', lambda: c.defineXML("<domain type='test'><name>bb</name><memory>1024</memory><os><type>hvm</type><boot dev='hd'/></os><devices>"
                                         "<disk type='file' device='disk'><source file='/x.img'/><target dev='vda'/><boot order='1'/></disk></devices></domain>"))
        t('defineflags-validate', lambda: c.defineXMLFlags("<domain type='test'><name>df2</name><memory>1024</memory><os><type>hvm</type></os></domain>", 1).name())
        t('badaddress', lambda: c.defineXML("<domain type='test'><name>bad</name><memory>1024</memory><os><type>hvm</type></os>"
                                           "<devices><disk type='file'><source file='/x'/><target dev='qq'/></disk></devices></domain>"))
        t('twoserialconsoles', lambda: c.defineXML("<domain type='test'><name>bad2</name><memory>1024</memory><os><type>hvm</type></os>"
                                                  "<devices><console type='pty'/><console type='pty'><target type='serial'/></console></devices></domain>"))
        t('active', lambda: (d.isActive(), d.isPersistent(), d.hasManagedSaveImage(0), d.autostart()))
        df = c.lookupByName('df')
        for dom in (d, df):
            t('snapnames', lambda: dom.snapshotListNames(0))
            t('snapall', lambda: dom.listAllSnapshots(0))
            t('snapnum', lambda: (dom.snapshotNum(0), dom.snapshotNum(1 | 1024 | 4)))
            t('snapflags', lambda: dom.snapshotNum(2048))
            t('hascurrent', lambda: dom.hasCurrentSnapshot(0))
            t('current', lambda: dom.snapshotCurrent(0))
            t('lookup', lambda: dom.snapshotLookupByName('s1', 0))
            t('lookupflags', lambda: dom.snapshotLookupByName('s1', 1))
        t('jobinfo', lambda: d.jobInfo())
        t('jobstats', lambda: d.jobStats(0))
        t('guestinfo', lambda: d.guestInfo(0, 0))
        """;

    private const string EventScript = """
        import sys, threading, time, libvirt
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        libvirt.virEventRegisterDefaultImpl()
        c = libvirt.open(sys.argv[1])
        def loop():
            while True: libvirt.virEventRunDefaultImpl()
        threading.Thread(target=loop, daemon=True).start()
        seen = []
        ids = []
        for name in sorted(n for n in dir(libvirt) if n.startswith('VIR_DOMAIN_EVENT_ID_') and n != 'VIR_DOMAIN_EVENT_ID_LAST'):
            def cb(*args, _n=name):
                seen.append((_n, args[1].name()))
            try:
                ids.append(c.domainEventRegisterAny(None, getattr(libvirt, name), cb, None))
                print(name, 'ok')
            except libvirt.libvirtError as e:
                print(name, 'ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
        for name, fn in [('network', lambda: c.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, lambda *a: seen.append(('net', a[1].name(), a[2])), None)),
                         ('pool', lambda: c.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, lambda *a: seen.append(('pool', a[1].name(), a[2])), None)),
                         ('pool-refresh', lambda: c.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH, lambda *a: seen.append(('refresh', a[1].name())), None)),
                         ('nodedev', lambda: c.nodeDeviceEventRegisterAny(None, libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE, lambda *a: seen.append(('nodedev',)), None)),
                         ('secret', lambda: c.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_LIFECYCLE, lambda *a: seen.append(('secret',)), None))]:
            try: fn(); print(name, 'ok')
            except libvirt.libvirtError as e: print(name, 'ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
        d = c.defineXML("<domain type='test'><name>evx</name><memory>1024</memory><os><type>hvm</type></os></domain>")
        d.create(); d.suspend(); d.resume(); d.destroy(); d.undefine()
        n = c.networkLookupByName('default'); n.destroy(); n.create()
        c.storagePoolLookupByName('default-pool').refresh(0)
        deadline = time.time() + 10
        while len(seen) < 9 and time.time() < deadline:
            time.sleep(0.05)
        for s in seen: print(s)
        for i in ids: c.domainEventDeregisterAny(i)
        """;

    [Fact]
    public async Task HostAndStorageCalls()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(HostAndStorageScript);
        Assert.Contains("<compat>1.1</compat>\n    <features>\n      <lazy_refcounts/>\n    </features>", actual, StringComparison.Ordinal);
        Assert.Contains("volbypath => a.img", actual, StringComparison.Ordinal);
        Assert.Contains("exit 0", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DomainCalls()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(DomainScript);
        Assert.Contains("the domain does not have a current snapshot", actual, StringComparison.Ordinal);
        Assert.Contains("<target dev='hdc' bus='ide'/>\n      <readonly/>\n      <boot order='1'/>\n      <address type='drive' controller='0' bus='1' target='0' unit='0'/>", actual, StringComparison.Ordinal);
        Assert.Contains("<graphics type='vnc' port='-1' autoport='yes'>\n      <listen type='address'/>", actual, StringComparison.Ordinal);
        Assert.Contains("exit 0", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventRegistrations()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(EventScript);
        Assert.Contains("VIR_DOMAIN_EVENT_ID_TUNABLE ok", actual, StringComparison.Ordinal);
        Assert.Contains("secret ERR 3 ", actual, StringComparison.Ordinal);
        Assert.Contains("('net', 'default', 3)\n('net', 'default', 2)", actual, StringComparison.Ordinal);
        Assert.Contains("exit 0", actual, StringComparison.Ordinal);
    }
}
