using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>python3-libvirt sees the same answers from our test hypervisor as from libvirtd 9.0.0's test driver.</summary>
public sealed class PythonDomainParityTests
{
    private const string ApiScript = """
        import sys, re, hashlib, libvirt
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        c = libvirt.open(sys.argv[1])
        def err(f):
            try: return f()
            except libvirt.libvirtError as e: return ('ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
        def names(flags=0): return sorted(x.name() for x in c.listAllDomains(flags))
        for f in [lambda: c.lookupByName('nosuch'), lambda: c.lookupByID(99),
                  lambda: c.lookupByUUIDString('00000000-0000-0000-0000-000000000001'),
                  lambda: c.defineXML('<domain/>'),
                  lambda: c.defineXML("<domain type='test'><name>x</name></domain>"),
                  lambda: c.defineXML("<domain type='test'><name>x</name><os><type>hvm</type></os></domain>"),
                  lambda: c.defineXML("<domain><name>x</name><memory>1024</memory><os><type>hvm</type></os></domain>"),
                  lambda: c.defineXML("<domain type='test'><name>test</name><memory>1024</memory><os><type>hvm</type></os></domain>"),
                  lambda: c.defineXML("<domain type='test'><name>y</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid><memory>1024</memory><os><type>hvm</type></os></domain>"),
                  lambda: c.createXML("<domain type='test'><name>test</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid><memory>1024</memory><os><type>hvm</type></os></domain>")]:
            print(err(f))
        d = c.lookupByName('test')
        print(d.info()[:4], d.state(), d.isActive(), d.isPersistent(), d.maxMemory(), d.maxVcpus(), d.OSType(),
              d.schedulerType(), d.schedulerParameters(), d.autostart(), c.getVersion(), c.getLibVersion(),
              c.getMaxVcpus(None), c.numOfDomains(), c.listDomainsID(), c.numOfDefinedDomains(), c.listDefinedDomains(),
              names(), c.getFreeMemory(), c.getCellsFreeMemory(0, 2), d.securityLabel(), c.isSecure(), c.isEncrypted(),
              d.vcpusFlags(0), d.hasManagedSaveImage(), d.ID(), d.UUIDString(), c.getType(), c.getInfo(), c.getSecurityModel())
        print(err(lambda: d.schedulerParametersFlags(0)), err(lambda: d.state(4)), err(lambda: d.XMLDesc(64)),
              err(lambda: c.getCellsFreeMemory(5, 1)), err(lambda: d.interfaceAddresses(7)))
        x = c.defineXML("<domain type='test'><name>z</name><memory unit='GiB'>1</memory><currentMemory unit='MiB'>300</currentMemory>"
                        "<vcpu current='1'>4</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>/k</kernel></os>"
                        "<features><acpi/></features><description>hi &amp; 'there'</description><on_reboot>destroy</on_reboot>"
                        "<devices><interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>"
                        "<interface type='user'><mac address='52:54:00:00:00:01'/></interface></devices></domain>")
        print(x.XMLDesc(0))
        print(names(0), names(1), names(2), names(16 | 64), names(2048), c.numOfDefinedDomains(), c.listDefinedDomains())
        print(err(lambda: x.setMemoryFlags(100000, 2)), err(lambda: x.setMemoryFlags(100000, 1)), err(lambda: x.setVcpusFlags(2, 2)),
              x.info()[:4], err(lambda: x.setVcpusFlags(8, 2 | 4)), x.vcpusFlags(2 | 4), x.vcpusFlags(2))
        x.create()
        print(x.ID(), x.state(), x.info()[:4], x.XMLDesc(2) == x.XMLDesc(0), sorted((k, v['addrs']) for k, v in x.interfaceAddresses(0).items()))
        print(err(lambda: x.reboot()), x.state(), err(lambda: x.create()))
        x.undefine(); print(x.isPersistent(), x.state(), names()); x.destroy(); print(names())
        t = c.createXML("<domain type='test'><name>tr</name><memory>1024</memory><os><type>hvm</type></os></domain>")
        print(t.ID(), t.isPersistent(), t.state(), t.XMLDesc(2), err(lambda: t.setMemoryFlags(5, 2)), err(lambda: t.shutdown()), names())
        st = c.newStream(0)
        mime = d.screenshot(st, 0, 0)
        chunks = []
        st.recvAll(lambda s, data, o: chunks.append(data) or 0, None)
        st.finish()
        image = b''.join(chunks)
        print(mime, len(image), hashlib.sha256(image).hexdigest())
        """;

    private const string EventScript = """
        import sys, threading, time, libvirt
        libvirt.virEventRegisterDefaultImpl()
        c = libvirt.open(sys.argv[1])
        seen = []
        def on_lifecycle(conn, dom, event, detail, opaque):
            seen.append((dom.name(), event, detail))
        c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None)
        def loop():
            while True:
                libvirt.virEventRunDefaultImpl()
        threading.Thread(target=loop, daemon=True).start()
        d = c.defineXML("<domain type='test'><name>ev</name><memory>1024</memory><os><type>hvm</type></os></domain>")
        d.create(); d.suspend(); d.resume(); d.destroy(); d.undefine()
        d = c.createXML("<domain type='test'><name>ev2</name><memory>1024</memory><os><type>hvm</type></os></domain>")
        d.shutdown()
        deadline = time.time() + 10
        while len(seen) < 8 and time.time() < deadline:
            time.sleep(0.05)
        print(seen)
        """;

    [Fact]
    public async Task ApiAnswers()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(ApiScript);
        Assert.Contains("image/png", actual, StringComparison.Ordinal);
        Assert.Contains("exit 0", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LifecycleCallbacks()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(EventScript);
        Assert.Contains("[('ev', 0, 0), ('ev', 2, 0), ('ev', 3, 0), ('ev', 4, 0), ('ev', 5, 1), ('ev', 1, 0), ('ev2', 2, 0), ('ev2', 5, 0)]", actual, StringComparison.Ordinal);
    }
}
