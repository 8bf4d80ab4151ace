using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The fourth sweep: the test driver's life across connections, and domain XML that virsh users define (vCPU counts,
/// SCSI pass-through attributes, network disks, PCI sources, graphics). Each test runs the same virsh command string
/// or python script against libvirtd 9.0.0's test driver and our server and demands the same output.
/// </summary>
public sealed class VirshSweep4ParityTests
{
    [Fact]
    public async Task TestDefaultStartsOverWhenItsLastClientCloses()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string kept = pair.WriteFile("kept.xml", Domain("kept", ""));
        string run = pair.WriteFile("run.xml", Domain("run", ""));
        string first = await pair.VirshSameAsync($"define {kept}; create {run}; net-destroy default; list --all");
        Assert.Contains(" 2    run    running\n -    kept   shut off", first, StringComparison.Ordinal);
        string second = await pair.VirshSameAsync($"list --all; net-list --all; create {run}; list");
        Assert.DoesNotContain("kept", second, StringComparison.Ordinal);
        Assert.Contains(" default   active", second, StringComparison.Ordinal);
        Assert.Contains(" 2    run    running", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestDefaultLivesWhileAnyClientHoldsIt()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.PythonSameAsync("""
            import sys, time, libvirt
            libvirt.virEventRegisterDefaultImpl()
            a = libvirt.open(sys.argv[1])
            b = libvirt.open(sys.argv[1])
            b.defineXML("<domain type='test'><name>held</name><memory>1024</memory><os><type>hvm</type></os></domain>")
            b.close()
            print('while held', sorted(d.name() for d in a.listAllDomains()))
            a.close()
            # libvirtd releases a closed connection's driver only after its reply has gone; a client that opens at
            # once can still find the old state there (ours releases it while handling the close).
            time.sleep(1)
            c = libvirt.open(sys.argv[1])
            print('after', sorted(d.name() for d in c.listAllDomains()))
            ids = [c.domainEventRegisterAny(None, e, lambda *x: None, None) for e in (libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT)]
            print('callbacks', ids)
            for i in ids:
                c.domainEventDeregisterAny(i)
            c.close()
            """);
        Assert.Contains("while held ['held', 'test']\nafter ['test']\ncallbacks [0, 1]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VcpuCurrentZeroIsKeptAndRunsWithNoVcpuOnline()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string zero = pair.WriteFile("vc0.xml", "<domain type='test'><name>vc0</name><memory>1024</memory><vcpu current='0'>2</vcpu><os><type>hvm</type></os></domain>");
        string output = await pair.VirshSameAsync(
            $"define {zero}; dumpxml vc0; vcpucount vc0; start vc0; vcpuinfo vc0; dominfo vc0; vcpupin vc0; "
            + "domstats vc0 --vcpu; setvcpus vc0 1; vcpucount vc0; dumpxml vc0");
        Assert.Contains("<vcpu placement='static' current='0'>2</vcpu>", output, StringComparison.Ordinal);
        Assert.Contains("error: info in virDomainGetVcpus must not be NULL", output, StringComparison.Ordinal);
        Assert.Contains("CPU(s):         0", output, StringComparison.Ordinal);
        Assert.Contains("current      live           1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SgioAndRawioBelongToScsiPassThroughOnly()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<disk type='block' device='lun' sgio='unfiltered'><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='lun' sgio='filtered' rawio='yes'><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='disk' sgio='filtered'><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='disk' rawio='no'><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='lun' sgio='default'><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='disk' rawio='x'><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>",
            "<hostdev mode='subsystem' type='scsi' sgio='nope'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>",
            "<hostdev mode='subsystem' type='pci' sgio='filtered'><source><address domain='0' bus='1' slot='0' function='0'/></source></hostdev>",
            "<hostdev mode='subsystem' type='pci' rawio='yes'><source><address domain='0' bus='1' slot='0' function='0'/></source></hostdev>",
            "<hostdev mode='subsystem' type='scsi' sgio='filtered' rawio='yes'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>",
        ];
        string output = await pair.VirshSameAsync(DefineEach(pair, "sg", devices));
        Assert.Contains("error: unsupported configuration: unfiltered sgio is no longer supported", output, StringComparison.Ordinal);
        Assert.Contains("<disk type='block' device='lun' rawio='yes' sgio='filtered'>", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: sgio can be used only with device='lun'", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: rawio can be used only with device='lun'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'sgio' in element 'disk': 'default'.", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'rawio' in element 'disk': 'x'.", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'sgio' in element 'hostdev': 'nope'.", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: sgio is only supported for scsi host device", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: rawio is only supported for scsi host device", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LunDisksNeedARawBlockOrIscsiSource()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<disk type='file' device='lun'><source file='/x'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='network' device='lun'><source protocol='nbd' name='x'><host name='h'/></source><target dev='sda' bus='scsi'/></disk>",
            "<disk type='network' device='lun'><source protocol='iscsi' name='iqn.x/1'><host name='h'/></source><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='lun'><driver name='qemu' type='qcow2'/><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='lun'><source dev='/dev/sda'><slices><slice type='storage' offset='0' size='512'/></slices></source><target dev='sda' bus='scsi'/></disk>",
            "<disk type='volume' device='lun'><source pool='default-pool' volume='v'/><target dev='sda' bus='scsi'/></disk>",
        ];
        string output = await pair.VirshSameAsync(DefineEach(pair, "lun", devices));
        Assert.Contains("error: unsupported configuration: disk device='lun' is only valid for block type disk source", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: disk device='lun' is not supported for protocol='nbd'", output, StringComparison.Ordinal);
        Assert.Contains("<host name='h' port='3260'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: disk device 'lun' must use 'raw' format", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: disk device 'lun' doesn't support storage slice", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'lun6' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkDiskHostsGetTheirProtocolsPortAndLibvirtsForm()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] hosts =
        [
            "nbd:<host name='h'/><host name='h2' port='5'/>",
            "gluster:<host name='h' transport='tcp'/>",
            "http:<host port='0' name='h'/>",
            "rbd:<host name='h'/>",
            "gluster:<host transport='rdma' name='h'/>",
            "nbd:<host transport='unix' socket='/s' name='q'/>",
            "nbd:<host port='x' name='h'/>",
            "nbd:<host port='70000' name='h'/>",
            "nbd:<host transport='foo' name='h'/>",
            "nbd:<host/>",
            "nbd:<host transport='unix'/>",
            "nbd:<host name='h' socket='/s'/>",
        ];
        string[] devices = [.. hosts.Select(h => h.Split(':', 2)).Select(p => $"<disk type='network' device='disk'><source protocol='{p[0]}' name='v/x'>{p[1]}</source><target dev='vda' bus='virtio'/></disk>")];
        string output = await pair.VirshSameAsync(DefineEach(pair, "net", devices));
        Assert.Contains("<host name='h' port='10809'/>\n        <host name='h2' port='5'/>", output, StringComparison.Ordinal);
        Assert.Contains("<host name='h' port='24007'/>", output, StringComparison.Ordinal);
        Assert.Contains("<host name='h' port='80'/>", output, StringComparison.Ordinal);
        Assert.Contains("<host name='h' transport='rdma'/>", output, StringComparison.Ordinal);
        Assert.Contains("<host transport='unix' socket='/s'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: failed to parse port number 'x'", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: port '70000' out of range", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown protocol transport type 'foo'", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing name for host", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing socket for unix transport", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: transport '(null)' does not support socket attribute", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PciSourcesInterfaceTypesAndUnknownDevicesReadAsLibvirtReadsThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='1' slot='0x2' function='3'/></source></hostdev>",
            "<hostdev mode='subsystem' type='pci'><source><address type='pci'/></source></hostdev>",
            "<interface type='hostdev'><source><address type='pci' domain='0' bus='1' slot='0' function='0'/></source></interface>",
            "<interface type='hostdev'><source><address domain='0' bus='1' slot='0' function='0'/></source></interface>",
            "<interface type='hostdev'><source><address type='isa'/></source></interface>",
            "<disk type='nvme' device='disk'><source type='pci' namespace='1'><address domain='0' bus='1' slot='0' function='0'/></source><target dev='vda' bus='virtio'/></disk>",
            "<disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/><source type='unix' path='/s'/><target dev='vda' bus='virtio'/></disk>",
            "<interface type='bogus'/>",
            "<crypto model='virtio' type='qemu'><backend model='builtin' queues='1'/></crypto><foo/><input type='tablet' bus='usb'/>",
        ];
        string output = await pair.VirshSameAsync(DefineEach(pair, "pci", devices));
        Assert.Contains("<address domain='0x0000' bus='0x01' slot='0x02' function='0x3'/>", output, StringComparison.Ordinal);
        Assert.Contains("<address domain='0x0000' bus='0x00' slot='0x00' function='0x0'/>", output, StringComparison.Ordinal);
        Assert.Contains("<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing source address type", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown host device source address type 'isa'", output, StringComparison.Ordinal);
        Assert.Contains("<source type='pci' managed='yes' namespace='1'>", output, StringComparison.Ordinal);
        Assert.Contains("<disk type='vhostuser' device='disk' snapshot='no'>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value for attribute 'type' in element 'interface': 'bogus'.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<crypto", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<foo", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MulticastMacsWatchdogModelsAndRepeatedControllersAreRefused()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<interface type='network'><source network='default'/><mac address='01:00:00:00:00:01'/></interface>",
            "<watchdog model='itco'/>",
            "<watchdog/>",
            "<watchdog model='ib700'/>",
            "<watchdog action='pause' model='diag288'/>",
            "<watchdog model='ib700' action='x'/>",
            "<controller type='ide' index='0'/><controller type='ide' index='0'/>",
            "<controller type='usb' index='0'/><controller type='usb' index='0' model='ich9-uhci1'/>",
        ];
        string output = await pair.VirshSameAsync(DefineEach(pair, "dev", devices));
        Assert.Contains("error: XML error: expected unicast mac address, found multicast '01:00:00:00:00:01'", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown watchdog model 'itco'", output, StringComparison.Ordinal);
        Assert.Contains("error: internal error: watchdog must contain model name", output, StringComparison.Ordinal);
        Assert.Contains("<watchdog model='ib700' action='reset'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Multiple 'ide' controllers with index '0'", output, StringComparison.Ordinal);
        Assert.Contains("<watchdog model='diag288' action='pause'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown watchdog action 'x'", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'dev8' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackingChainIsWrittenRightAfterItsSource()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><backingStore type='file'><format type='qcow2'/><source file='/b.img'/></backingStore></disk>",
        ];
        string output = await pair.VirshSameAsync(DefineEach(pair, "bs", devices));
        Assert.Contains("<source file='/a.img'/>\n      <backingStore type='file'>", output, StringComparison.Ordinal);
        Assert.Contains("</backingStore>\n      <target dev='vda' bus='virtio'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RdpGraphicsPortsAndFlagsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<graphics type='rdp' autoport='yes'/>",
            "<graphics type='rdp'/>",
            "<graphics type='rdp' port='3389' multiUser='yes' replaceUser='no' listen='127.0.0.1'/>",
            "<graphics type='rdp' port='-1' autoport='no'/>",
            "<graphics type='rdp' port='x'/>",
            "<graphics type='rdp' port='5'><listen type='address' address='1.2.3.4'/></graphics>",
        ];
        string output = await pair.VirshSameAsync(DefineEach(pair, "rdp", devices));
        Assert.Contains("<graphics type='rdp' port='0' autoport='yes'>\n      <listen type='address'/>", output, StringComparison.Ordinal);
        Assert.Contains("<graphics type='rdp' port='3389' multiUser='yes' listen='127.0.0.1'>", output, StringComparison.Ordinal);
        Assert.Contains("error: internal error: cannot parse rdp port x", output, StringComparison.Ordinal);
        Assert.Contains("<graphics type='rdp' port='5' listen='1.2.3.4'>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClockOffsetsReadAsLibvirtReadsThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] clocks =
        [
            "<clock offset='utc' adjustment='10'/>",
            "<clock offset='localtime' adjustment='-5'><timer name='rtc' tickpolicy='catchup'/></clock>",
            "<clock offset='utc' adjustment='reset'/>",
            "<clock offset='utc' adjustment='x'/>",
            "<clock offset='variable'/>",
            "<clock offset='variable' basis='localtime' adjustment='x'/>",
            "<clock offset='variable' basis='bad'/>",
            "<clock offset='bogus'/>",
            "<clock adjustment='7'/>",
        ];
        string output = await pair.VirshSameAsync(DefineEachTopLevel(pair, "clk", clocks));
        Assert.Contains("<clock offset='variable' adjustment='10' basis='utc'/>", output, StringComparison.Ordinal);
        Assert.Contains("<clock offset='variable' adjustment='-5' basis='localtime'>", output, StringComparison.Ordinal);
        Assert.Contains("<clock offset='utc' adjustment='reset'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: unknown clock adjustment 'x'", output, StringComparison.Ordinal);
        Assert.Contains("<clock offset='variable' adjustment='0' basis='utc'/>", output, StringComparison.Ordinal);
        Assert.Contains("<clock offset='variable' adjustment='0' basis='localtime'/>", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown clock basis 'bad'", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown clock offset 'bogus'", output, StringComparison.Ordinal);
        Assert.Contains("<clock offset='variable' adjustment='7' basis='utc'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemtuneLimitsAreScaledToKibInLibvirtsOrder()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] memtunes =
        [
            "<memtune><hard_limit>2000000</hard_limit><soft_limit unit='M'>1</soft_limit></memtune>",
            "<memtune><swap_hard_limit unit='G'>3</swap_hard_limit><min_guarantee>5</min_guarantee></memtune>",
            "<memtune><hard_limit>x</hard_limit></memtune>",
            "<memtune/>",
            "<memtune><min_guarantee>0</min_guarantee><hard_limit unit='b'>1025</hard_limit><soft_limit>9007199254740991</soft_limit></memtune>",
        ];
        string output = await pair.VirshSameAsync(DefineEachTopLevel(pair, "mt", memtunes) + "; memtune mt1; memtune mt2; memtune mt5; memtune mt1 --hard-limit 5000; dumpxml mt1");
        Assert.Contains("<memtune>\n    <hard_limit unit='KiB'>2000000</hard_limit>\n    <soft_limit unit='KiB'>1024</soft_limit>\n  </memtune>", output, StringComparison.Ordinal);
        Assert.Contains("<memtune>\n    <min_guarantee unit='KiB'>5</min_guarantee>\n    <swap_hard_limit unit='KiB'>3145728</swap_hard_limit>\n  </memtune>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: Invalid value 'x' for element or attribute './memtune/hard_limit[1]'", output, StringComparison.Ordinal);
        Assert.Contains("<memtune>\n    <hard_limit unit='KiB'>2</hard_limit>\n  </memtune>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenidAndBootloaderReadAsLibvirtReadsThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] elements =
        [
            "<genid/>",
            "<genid>6695eb01f6a4830479aa97f2502e193f</genid>",
            "<genid>x</genid>",
            "<genid/><genid/>",
            "<bootloader>/b</bootloader><bootloader_args>-q</bootloader_args>",
            "<bootloader/><bootloader_args>-q</bootloader_args>",
        ];
        string output = await pair.VirshSameAsync(string.Join("; ", elements.Select((e, i) =>
        {
            string name = $"g{i + 1}";
            string xml = $"<domain type='test'><name>{name}</name><memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type><boot dev='cdrom'/><bootmenu enable='yes'/></os>{e}</domain>";
            return $"define {pair.WriteFile(name + ".xml", xml)}; dumpxml {name}";
        })));
        Assert.Contains("<genid>UUID</genid>", output, StringComparison.Ordinal);
        Assert.Contains("<genid>6695eb01-f6a4-8304-79aa-97f2502e193f</genid>", output, StringComparison.Ordinal);
        Assert.Contains("error: internal error: malformed genid element", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: element 'genid' can only appear once", output, StringComparison.Ordinal);
        Assert.Contains("<bootloader>/b</bootloader>\n  <bootloader_args>-q</bootloader_args>\n  <os>\n    <type arch='i686'>hvm</type>\n  </os>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<bootloader/>", output, StringComparison.Ordinal);
    }

    private static string Domain(string name, string devices)
        => $"<domain type='test'><name>{name}</name><memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>{devices}</devices></domain>";

    // One domain per set of top-level elements, named prefix1, prefix2, ...: each defined, then dumped.
    private static string DefineEachTopLevel(TestDriverPair pair, string prefix, string[] elements)
        => string.Join("; ", elements.Select((e, i) =>
        {
            string name = $"{prefix}{i + 1}";
            string xml = $"<domain type='test'><name>{name}</name><memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os>{e}</domain>";
            return $"define {pair.WriteFile(name + ".xml", xml)}; dumpxml {name}";
        }));

    // One domain per device set, named prefix1, prefix2, ...: each defined, then dumped (or its absence reported).
    private static string DefineEach(TestDriverPair pair, string prefix, string[] devices)
        => string.Join("; ", devices.Select((d, i) =>
        {
            string name = $"{prefix}{i + 1}";
            return $"define {pair.WriteFile(name + ".xml", Domain(name, d))}; dumpxml {name}";
        }));
}
