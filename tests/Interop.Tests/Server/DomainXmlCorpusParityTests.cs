using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Domain XML shapes a sweep of hand-written and tool-written definitions found formatted differently by our test
/// hypervisor and libvirtd 9.0.0's test driver: the guest CPU (mode, match, fallback, feature policies, topology and
/// NUMA cells), device addresses written in other bases or with fields left out, filesystem and USB companion
/// controller defaults, and character device protocols. Each definition goes through virsh on both servers and the
/// output must be identical.
/// </summary>
public sealed class DomainXmlCorpusParityTests
{
    private const string CpuDomainXml = """
        <domain type='test'>
          <name>cpus</name>
          <memory unit='MiB'>512</memory>
          <vcpu>6</vcpu>
          <os><type arch='x86_64'>hvm</type></os>
          <cpu match='minimum'>
            <model>Westmere</model>
            <vendor>Intel</vendor>
            <topology sockets='3' cores='2' threads='1'/>
            <feature name='vmx'/>
            <feature name='sse4a' policy='optional'/>
            <numa>
              <cell id='2' cpus='4,5' memory='256' unit='MiB'/>
              <cell cpus='2-3' memory='131072'/>
              <cell id='0' cpus='0,1' memory='512' unit='M'/>
            </numa>
          </cpu>
        </domain>
        """;

    private const string HostModelDomainXml = """
        <domain type='test'>
          <name>hostmodel</name>
          <memory>262144</memory>
          <os><type>hvm</type></os>
          <cpu mode='host-model'><model fallback='forbid'/><feature policy='disable' name='svm'/></cpu>
        </domain>
        """;

    private const string PlacementDomainXml = """
        <domain type='test'>
          <name>placement</name>
          <memory>262144</memory>
          <vcpu placement='static' cpuset='0-1'>2</vcpu>
          <numatune><memory mode='interleave' placement='auto'/></numatune>
          <os><type>hvm</type></os>
        </domain>
        """;

    private const string EmptyCpuDomainXml = """
        <domain type='test'>
          <name>nocpu</name>
          <memory>262144</memory>
          <os><type>hvm</type></os>
          <cpu>
          </cpu>
        </domain>
        """;

    private const string AddressDomainXml = """
        <domain type='test'>
          <name>addresses</name>
          <memory>262144</memory>
          <os><type>hvm</type></os>
          <devices>
            <disk type='file' device='disk'>
              <source file='/var/lib/images/a.img'/>
              <target dev='hda' bus='ide'/>
              <address type='drive' controller='0' bus='1' unit='0'/>
              <serial>abc123</serial>
            </disk>
            <interface type='network'>
              <source network='default'/>
              <mac address='52:54:00:11:22:33'/>
              <bandwidth><inbound average='1000'/></bandwidth>
              <model type='VirtIO'/>
              <address type='pci' slot='10'/>
            </interface>
            <memballoon model='virtio'>
              <address type='pci' domain='0' bus='0' slot='0x7' function='0' multifunction='on'/>
            </memballoon>
            <nvram>
              <address type='spapr-vio' reg='0x3000'/>
            </nvram>
          </devices>
        </domain>
        """;

    private const string DeviceDefaultsDomainXml = """
        <domain type='test' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
          <name>devdefaults</name>
          <qemu:commandline><qemu:arg value='-no-hpet'/></qemu:commandline>
          <memory>262144</memory>
          <os><type>hvm</type></os>
          <devices>
            <controller type='usb' index='0' model='ich9-ehci1'/>
            <controller type='usb' index='0' model='ich9-uhci1'/>
            <controller type='usb' index='0' model='ich9-uhci2'/>
            <filesystem>
              <source dir='/srv/share'/>
              <target dir='share'/>
            </filesystem>
            <filesystem accessmode='mapped'>
              <source dir='/srv/other'/>
              <target dir='other'/>
            </filesystem>
            <serial type='pty'>
              <target type='isa-serial' port='0'><model name='isa-serial'/></target>
              <log file='/tmp/serial.log' append='on'/>
            </serial>
            <serial type='tcp'>
              <source mode='bind' host='127.0.0.1' service='4555'/>
              <target port='1'/>
            </serial>
            <graphics type='vnc' port='5901'><listen type='socket' socket='/tmp/vnc.sock'/></graphics>
            <graphics type='spice' autoport='yes'><listen type='none'/></graphics>
            <parallel type='udp'>
              <source service='5000'/>
              <source mode='bind' host='127.0.0.1' service='5001'/>
              <target port='0'/>
            </parallel>
            <channel type='tcp'>
              <source service='6000' host='localhost'/>
              <target type='virtio' name='org.example.2'/>
            </channel>
            <shmem name='sh0'><size unit='K'>6144</size></shmem>
            <channel type='unix'>
              <source mode='bind' path='/tmp/chan.sock'/>
              <protocol type='raw'/>
              <target type='virtio' name='org.example.0'/>
            </channel>
          </devices>
        </domain>
        """;

    [Fact]
    public async Task GuestCpuIsWrittenBackAsLibvirtdWritesIt()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string cpus = pair.WriteFile("cpus.xml", CpuDomainXml);
        string hostModel = pair.WriteFile("hostmodel.xml", HostModelDomainXml);
        string empty = pair.WriteFile("nocpu.xml", EmptyCpuDomainXml);
        string placement = pair.WriteFile("placement.xml", PlacementDomainXml);
        string duplicate = pair.WriteFile("dup.xml", CpuDomainXml.Replace("<cell id='0'", "<cell id='2'", StringComparison.Ordinal));
        string gap = pair.WriteFile("gap.xml", CpuDomainXml.Replace("<cell id='0'", "<cell id='3'", StringComparison.Ordinal));
        string output = await pair.VirshSameAsync(
            $"define {cpus}; dumpxml cpus; define {hostModel}; dumpxml hostmodel; define {empty}; dumpxml nocpu; start cpus; dumpxml cpus; "
            + $"undefine cpus; define {duplicate}; define {gap}; define {placement}; dumpxml placement");
        Assert.Contains("  <cpu mode='custom' match='minimum'>\n    <model fallback='allow'>Westmere</model>\n", output, StringComparison.Ordinal);
        Assert.Contains("    <topology sockets='3' dies='1' cores='2' threads='1'/>\n    <feature policy='require' name='vmx'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("      <cell id='0' cpus='0-1' memory='524288' unit='KiB'/>\n      <cell id='1' cpus='2-3' memory='131072' unit='KiB'/>\n      <cell id='2' cpus='4-5' memory='262144' unit='KiB'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("  <cpu mode='host-model'>\n    <feature policy='disable' name='svm'/>\n  </cpu>\n", output, StringComparison.Ordinal);
        Assert.Contains("Duplicate NUMA cell info for cell id '2'", output, StringComparison.Ordinal);
        Assert.Contains("  <vcpu placement='static' cpuset='0-1'>2</vcpu>\n", output, StringComparison.Ordinal);
        Assert.Contains("non-contiguous ranges or ranges not starting from 0 are not allowed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceAddressesAreWrittenInFullAsLibvirtdWritesThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("addresses.xml", AddressDomainXml);
        string output = await pair.VirshSameAsync($"define {xml}; dumpxml addresses; dumpxml addresses --inactive");
        Assert.Contains("<serial>abc123</serial>\n      <address type='drive' controller='0' bus='1' target='0' unit='0'/>", output, StringComparison.Ordinal);
        Assert.Contains("</bandwidth>\n      <target dev='testnet0'/>\n      <model type='virtio'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<address type='pci' domain='0x0000' bus='0x00' slot='0x0a' function='0x0'/>", output, StringComparison.Ordinal);
        Assert.Contains("<address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0' multifunction='on'/>", output, StringComparison.Ordinal);
        Assert.Contains("<address type='spapr-vio' reg='0x00003000'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesystemControllerCharDeviceAndDisplayDefaultsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("devdefaults.xml", DeviceDefaultsDomainXml);
        string output = await pair.VirshSameAsync($"define {xml}; dumpxml devdefaults; start devdefaults; dumpxml devdefaults");
        Assert.Contains("<filesystem type='mount' accessmode='passthrough'>", output, StringComparison.Ordinal);
        Assert.Contains("<filesystem type='mount' accessmode='mapped'>", output, StringComparison.Ordinal);
        Assert.Contains("<controller type='usb' index='0' model='ich9-uhci2'>\n      <master startport='2'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<source mode='bind' host='127.0.0.1' service='4555'/>\n      <protocol type='raw'/>\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("<source mode='bind' path='/tmp/chan.sock'/>\n      <protocol", output, StringComparison.Ordinal);
        Assert.Contains("<log file='/tmp/serial.log' append='on'/>\n      <target type='isa-serial' port='0'>\n", output, StringComparison.Ordinal);
        Assert.Contains("<console type='pty'>\n      <log file='/tmp/serial.log' append='on'/>\n      <target type='serial' port='0'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<graphics type='vnc' socket='/tmp/vnc.sock'>\n", output, StringComparison.Ordinal);
        Assert.Contains("<shmem name='sh0'>\n      <model type='ivshmem'/>\n      <size unit='M'>6</size>\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("commandline", output, StringComparison.Ordinal);
        Assert.Contains("<source mode='bind' host='127.0.0.1' service='5001'/>\n      <source mode='connect' service='5000'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<source mode='connect' host='localhost' service='6000'/>\n      <protocol type='raw'/>\n", output, StringComparison.Ordinal);
        Assert.Contains("<graphics type='spice'>\n      <listen type='none'/>\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CharDeviceSourcesAndDiskAddressesAreCheckedAsLibvirtdChecksThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<serial type='file'><source append='on'/></serial>",
            "<serial type='tcp'><source mode='connect' service='9999'/></serial>",
            "<parallel type='tcp'><source mode='connect' host='localhost'/></parallel>",
            "<console type='udp'><source mode='bind' service='1'/><source mode='connect' host='localhost'/></console>",
            "<serial type='unix'><source mode='bind'/></serial>",
            "<channel type='unix'><source mode='bind'/><target type='virtio' name='org.example.1'/></channel>",
            "<serial type='tcp'><source mode='bind' host='localhost' service='1'><reconnect enabled='yes' timeout='3'/></source></serial>",
            "<serial type='tcp'><source mode='connect' host='a' service='1'/><source mode='connect' host='b' service='2'/></serial>",
            "<serial type='udp'><source mode='connect' host='a' service='1'/><source mode='bind' service='2'/><source mode='bind' service='3'/></serial>",
            "<redirdev bus='usb' type='unix'><source mode='connect'/></redirdev><controller type='usb' model='piix3-uhci'/>",
            "<rng model='virtio'><backend model='egd' type='tcp'><source mode='connect' host='localhost'/></backend></rng>",
            "<disk type='file' device='disk'><source file='/tmp/d.img'/><target dev='sdb'/><address type='pci' slot='0x05'/></disk>",
        ];
        var commands = new List<string>();
        for (int i = 0; i < devices.Length; i++)
        {
            string path = pair.WriteFile($"chr{i}.xml", $"<domain type='test'><name>chr{i}</name><memory>262144</memory><os><type>hvm</type></os><devices>{devices[i]}</devices></domain>");
            commands.Add($"define {path}");
        }

        string output = await pair.VirshSameAsync(string.Join("; ", commands));
        Assert.Contains("Missing source path attribute for char device", output, StringComparison.Ordinal);
        Assert.Contains("Missing source host attribute for char device", output, StringComparison.Ordinal);
        Assert.Contains("Missing source service attribute for char device", output, StringComparison.Ordinal);
        Assert.Contains("chardev reconnect is possible only for connect mode", output, StringComparison.Ordinal);
        Assert.Contains("only one source element is allowed for character device", output, StringComparison.Ordinal);
        Assert.Contains("only two source elements are allowed for character device", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'chr5' defined", output, StringComparison.Ordinal);
        Assert.Contains("Invalid address type 'pci' for the disk 'sdb' with the bus type 'scsi'", output, StringComparison.Ordinal);
    }
}
