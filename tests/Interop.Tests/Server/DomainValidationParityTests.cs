using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Domain definitions libvirtd 9.0.0's test driver refuses when they are defined (device PCI addresses out of range,
/// firmware and NVRAM rules of &lt;os&gt;, duplicate host devices, USB devices on a guest without USB, video card
/// combinations, controller indexes and PCI controller options, NUMA memory tuning, disk targets and sources, mediated and SCSI host devices, huge page sizes, SMBIOS sysinfo, boot timeouts and load parameters, TPM backends, shared memory MSI, driver queue counts, thread schedulers), each next to an accepted neighbour, so the refusal is not the only thing that matches.
/// </summary>
public sealed class DomainValidationParityTests
{
    private static async Task<string> DefineEachAsync(TestDriverPair pair, string prefix, string[] bodies, Func<string, string> domain, string? then = null)
    {
        var commands = new List<string>();
        for (int i = 0; i < bodies.Length; i++)
        {
            string name = $"{prefix}{i}";
            string path = pair.WriteFile($"{name}.xml", $"<domain type='test'><name>{name}</name><memory>262144</memory>{domain(bodies[i])}</domain>");
            commands.Add($"define {path}; dumpxml {name}");
        }

        if (then is not null)
        {
            commands.Add(then);
        }

        return await pair.VirshSameAsync(string.Join("; ", commands));
    }

    private static Task<string> DefineDevicesAsync(TestDriverPair pair, string prefix, string[] devices)
        => DefineEachAsync(pair, prefix, devices, d => $"<os><type>hvm</type></os><devices>{d}</devices>");

    [Fact]
    public async Task DevicePciAddressesOutOfRangeAreRefused()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<interface type='network'><source network='default'/><address type='pci' domain='0' bus='0x100' slot='3' function='0'/></interface>",
            "<interface type='network'><source network='default'/><address type='pci' bus='0' slot='0x20' function='0'/></interface>",
            "<interface type='network'><source network='default'/><address type='pci' bus='1' slot='2' function='010'/></interface>",
            "<interface type='network'><source network='default'/><address type='pci' bus='0' slot='0x1f' function='7'/></interface>",
            "<interface type='network'><source network='default'/><address type='pci' domain='0' bus='0' slot='0' function='9'/></interface>",
        ];
        string output = await DefineDevicesAsync(pair, "pci", devices);
        Assert.Contains("XML error: Invalid PCI address bus='0x100', must be <= 0xFF", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid PCI address slot='0x20', must be <= 0x1F", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid PCI address function=0x8, must be <= 7", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'pci3' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'pci4' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirmwareLoaderAndNvramRulesMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] oses =
        [
            "<os firmware='bios'><type>hvm</type><loader stateless='no'/></os>",
            "<os firmware='bios'><type>hvm</type><nvram>/srv/vars.fd</nvram></os>",
            "<os firmware='efi'><type>hvm</type><firmware><feature enabled='yes' name='enrolled-keys'/><feature enabled='no' name='secure-boot'/></firmware></os>",
            "<os firmware='efi'><type>hvm</type><loader secure='no'/></os>",
            "<os firmware='efi'><type>hvm</type><loader>/srv/code.fd</loader></os>",
            "<os firmware='efi'><type>hvm</type><loader readonly='yes'/></os>",
            "<os firmware='efi'><type>hvm</type><nvram template='/srv/t.fd'/></os>",
            "<os><type>hvm</type><loader stateless='no'>/srv/bios.bin</loader></os>",
            "<os><type>hvm</type><loader readonly='yes' type='pflash'/></os>",
            "<os><type>hvm</type><loader stateless='yes' type='pflash'>/srv/code.fd</loader><nvram>/srv/vars.fd</nvram></os>",
            "<os><type>hvm</type><loader stateless='yes' type='pflash'>/srv/code.fd</loader><nvram template='/srv/t.fd'/></os>",
            "<os firmware='efi'><type>hvm</type><loader stateless='no'/><nvram>/srv/vars.fd</nvram></os>",
            "<os><type>hvm</type><loader readonly='yes' type='pflash' stateless='no'>/srv/code.fd</loader><nvram>/srv/vars.fd</nvram></os>",
        ];
        string output = await DefineEachAsync(pair, "fw", oses, os => os);
        Assert.Contains("error: Only EFI firmware permits NVRAM", output, StringComparison.Ordinal);
        Assert.Contains("error: firmware type 'bios' does not support nvram", output, StringComparison.Ordinal);
        Assert.Contains("error: firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled", output, StringComparison.Ordinal);
        Assert.Contains("error: loader attribute 'secure' cannot be specified when firmware autoselection is enabled", output, StringComparison.Ordinal);
        Assert.Contains("error: loader attribute 'type' cannot be specified when firmware autoselection is enabled", output, StringComparison.Ordinal);
        Assert.Contains("error: loader attribute 'readonly' cannot be specified when firmware autoselection is enabled", output, StringComparison.Ordinal);
        Assert.Contains("error: nvram attribute 'template' cannot be specified when firmware autoselection is enabled", output, StringComparison.Ordinal);
        Assert.Contains("error: Only pflash loader type permits NVRAM", output, StringComparison.Ordinal);
        Assert.Contains("error: no loader path specified and firmware auto selection disabled", output, StringComparison.Ordinal);
        Assert.Contains("error: NVRAM is not permitted when loader is stateless", output, StringComparison.Ordinal);
        Assert.Contains("error: NVRAM template is not permitted when loader is stateless", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'fw11' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'fw12' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateHostDevicesAreRefused()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Pci = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0' bus='6' slot='0x12' function='{0}'/></source></hostdev>";
        const string UsbBus = "<hostdev mode='subsystem' type='usb'><source><address bus='{0}' device='4'/></source></hostdev>";
        const string UsbId = "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1d6b'/><product id='{0}'/></source></hostdev>";
        const string Mdev = "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='{0}'/></source></hostdev>";
        const string UuidA = "8f2ad7fa-5b2c-4bd5-9ae4-1d2a0b1c8e01";
        const string UuidB = "8f2ad7fa-5b2c-4bd5-9ae4-1d2a0b1c8e02";
        string[] devices =
        [
            string.Format(null, Pci, 1) + string.Format(null, Pci, "0x1"),
            string.Format(null, Pci, 1) + string.Format(null, Pci, 2),
            string.Format(null, UsbBus, 3) + string.Format(null, UsbBus, 3),
            string.Format(null, UsbBus, 3) + string.Format(null, UsbBus, 5),
            string.Format(null, UsbId, "0x0002") + string.Format(null, UsbId, "2"),
            string.Format(null, Mdev, UuidA) + string.Format(null, Mdev, UuidA),
            string.Format(null, Mdev, UuidA) + string.Format(null, Mdev, UuidB),
        ];
        string output = await DefineDevicesAsync(pair, "hd", devices);
        Assert.Equal(4, output.Split("XML error: Hostdev already exists in the domain configuration").Length - 1);
        Assert.Contains("Domain 'hd1' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'hd3' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'hd6' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsbDevicesOnAGuestWithoutUsbAreRefused()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string NoUsb = "<controller type='usb' model='none'/>";
        const string Redirdev = "<redirdev bus='usb' type='spicevmc'/>";
        string[] devices =
        [
            NoUsb + "<controller type='usb' index='1' model='piix3-uhci'/>",
            "<controller type='usb' model='piix3-uhci'/>" + NoUsb,
            NoUsb + "<input type='tablet' bus='usb'/>",
            NoUsb + "<input type='tablet'/>",
            NoUsb + "<input type='mouse' bus='ps2'/>",
            NoUsb + "<hub type='usb'/>",
            Redirdev,
            NoUsb + Redirdev,
            "<controller type='usb' model='piix3-uhci'/>" + Redirdev,
        ];
        string output = await DefineDevicesAsync(pair, "usb", devices);
        Assert.Equal(2, output.Split("error: Can't add another USB controller: USB is disabled for this domain").Length - 1);
        Assert.Equal(2, output.Split("unsupported configuration: Can't add USB input device. USB bus is disabled").Length - 1);
        Assert.Contains("unsupported configuration: Can't add USB hub: USB is disabled for this domain", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("unsupported configuration: cannot add redirected USB device: USB is disabled for this domain").Length - 1);
        Assert.Contains("Domain 'usb4' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'usb8' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VideoCardCombinationsAreCheckedAsLibvirtdChecksThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<video><model type='vga' primary='yes'/></video><video><model type='qxl' primary='yes'/></video>",
            "<video><model type='vga'/></video><video><model type='qxl' primary='yes'/></video>",
            "<video><model type='none'/></video><video><model type='vga'/></video>",
            "<video><model type='none'/></video>",
            "<video><model type='ramfb'/><address type='pci' slot='2'/></video>",
            "<video><model type='ramfb'/></video>",
        ];
        string output = await DefineDevicesAsync(pair, "video", devices);
        Assert.Contains("unsupported configuration: Only one primary video device is supported", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: a 'none' video type must be the only video device defined for the domain", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: address not supported for video type ramfb", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'video1' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'video3' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'video5' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControllerIndexesAndPciControllerRulesMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<controller type='pci' index='-2' model='pci-bridge'/>",
            "<controller type='pci' index='0' model='pci-root'/><controller type='pci' index='1' model='pci-bridge'/><controller type='pci' index='1' model='pci-bridge'/>",
            "<controller type='scsi' index='1'/><controller type='scsi' index='0'/><controller type='scsi' index='1'/>",
            "<controller type='pci' index='0' model='pci-root'><address type='pci' bus='0' slot='3'/></controller>",
            "<controller type='pci' index='0' model='pci-root'><target index='2'/></controller>",
            "<controller type='pci' index='0' model='pci-root'/><controller type='pci' index='1' model='pci-bridge'><target index='0'/></controller>",
            "<controller type='pci' index='0' model='pci-root'/><controller type='pci' index='1' model='pci-bridge'><target index='31'/></controller>",
            "<controller type='pci' index='0' model='pci-root'><target><node>0</node></target></controller>",
            "<controller type='pci' index='0' model='pci-root'><target index='0'/></controller><controller type='pci' index='1' model='pci-bridge'><target index='30'/></controller>",
            "<controller type='usb' index='0' model='ich9-ehci1'/><controller type='usb' index='0' model='ich9-uhci1'/>",
        ];
        string output = await DefineDevicesAsync(pair, "ctl", devices);
        Assert.Contains("XML error: Invalid value for attribute 'index' in element 'controller': '-2'. Expected non-negative value", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Multiple 'pci' controllers with index '1'", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Multiple 'scsi' controllers with index '1'", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: pci-root and pcie-root controllers should not have an address", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("unsupported configuration: Only the PCI controller with index 0 can have target index 0, and vice versa").Length - 1);
        Assert.Contains("unsupported configuration: PCI controller target index '31' out of range - must be 0-30", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: The PCI controller with index=0 can't be associated with a NUMA node", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'ctl8' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'ctl9' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NumatuneMemoryAndMemnodeRulesMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Cells = "<cpu><numa><cell id='0' cpus='0' memory='131072'/><cell id='1' cpus='1' memory='131072'/></numa></cpu>";
        string[] bodies =
        [
            "<vcpu>2</vcpu><numatune><memory mode='strict' placement='static'/></numatune>",
            "<vcpu>2</vcpu><numatune><memory placement='auto'/><memnode cellid='0' nodeset='0'/></numatune>" + Cells,
            "<vcpu placement='auto'>2</vcpu><numatune><memory mode='strict'/><memnode cellid='0' nodeset='0'/></numatune>" + Cells,
            "<vcpu>2</vcpu><numatune><memnode cellid='0' mode='strict' nodeset='0'/></numatune>",
            "<vcpu>2</vcpu><numatune><memory mode='restrictive' nodeset='0'/><memnode cellid='0' mode='strict' nodeset='0'/></numatune>" + Cells,
            "<vcpu>2</vcpu><numatune><memory mode='restrictive' nodeset='0'/><memnode cellid='1' mode='restrictive' nodeset='0'/></numatune>" + Cells,
            "<vcpu>2</vcpu><numatune><memory nodeset='0'/><memnode cellid='0' mode='preferred' nodeset='0'/></numatune>" + Cells,
            "<vcpu>2</vcpu>" + Cells.Replace("<cell id='1'", "<cell memAccess='sometimes' id='1'", StringComparison.Ordinal),
            "<vcpu>2</vcpu>" + Cells.Replace("<cell id='1'", "<cell discard='maybe' id='1'", StringComparison.Ordinal),
            "<vcpu>2</vcpu>" + Cells.Replace("<cell id='1'", "<cell memAccess='shared' discard='yes' id='1'", StringComparison.Ordinal),
        ];
        string output = await DefineEachAsync(pair, "nt", bodies, b => "<os><type>hvm</type></os>" + b);
        Assert.Contains("unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("unsupported configuration: Per-node binding is not compatible with automatic NUMA placement.").Length - 1);
        Assert.Contains("XML error: Element 'memnode' is invalid without any guest NUMA cells", output, StringComparison.Ordinal);
        Assert.Contains("XML error: 'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'nt5' defined", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'nt6' defined", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid value for attribute 'memAccess' in element 'cell': 'sometimes'.", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid value for attribute 'discard' in element 'cell': 'maybe'.", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'nt9' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiskTargetsSecretsEncryptionAndLunSourcesAreCheckedAsLibvirtdChecksThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Iscsi = "<source protocol='iscsi' name='iqn.2024-01.org.example:t/0'><host name='10.1.1.1' port='3260'/></source><target dev='vda' bus='virtio'/>";
        const string Luks = "<encryption format='luks'><secret type='passphrase' uuid='1c9e4c7d-0f3a-4d1b-9a56-2f8e1e7b3c40'/>{0}</encryption>";
        string[] devices =
        [
            "<disk type='block' device='disk'><source dev='/dev/vg0/a'/></disk>",
            "<disk type='file' device='disk'><target bus='virtio'/></disk>",
            "<disk type='network' device='disk'><auth username='u'><secret usage='s'/></auth>" + Iscsi + "</disk>",
            "<disk type='network' device='disk'><auth username='u'><secret type='ceph' usage='s'/></auth>" + Iscsi + "</disk>",
            "<disk type='network' device='disk'><auth username='u'><secret type='iscsi' usage='s'/></auth>" + Iscsi + "</disk>",
            "<disk type='network' device='disk'><auth username='u'><secret type='iscsi' usage='s'/></auth><source protocol='iscsi' name='iqn.2024-01.org.example:t/0'><host name='10.1.1.1' port='3260'/><auth username='u'><secret type='iscsi' usage='s'/></auth></source><target dev='vda' bus='virtio'/></disk>",
            "<disk type='file' device='disk'><source file='/srv/a.img'/><target dev='vda' bus='virtio'/>" + string.Format(null, Luks, "<cipher name='aes' size='256' mode='cbc' hash='sha256'/>") + "</disk>",
            "<disk type='file' device='disk'><source file='/srv/a.img'>" + string.Format(null, Luks, string.Empty) + "</source><target dev='vda' bus='virtio'/>" + string.Format(null, Luks, string.Empty) + "</disk>",
            "<disk type='file' device='lun'><source file='/srv/a.img'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='block' device='lun'><source dev='/dev/sdz'/><target dev='sda' bus='scsi'/></disk>",
            "<disk type='file' device='disk'><source file='/srv/a.img'/><target dev='sda' bus='sata'/></disk><disk type='file' device='disk'><source file='/srv/b.img'/><target dev='sdb' bus='sata'/><address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>",
            "<disk type='file' device='disk'><source file='/srv/a.img'/><target dev='sda' bus='sata'/></disk><disk type='file' device='disk'><source file='/srv/b.img'/><target dev='sdb' bus='sata'/><address type='drive' controller='0' bus='0' target='0' unit='1'/></disk>",
        ];
        string output = await DefineDevicesAsync(pair, "disk", devices);
        Assert.Contains("error: missing target information for device /dev/vg0/a", output, StringComparison.Ordinal);
        Assert.Contains("error: missing target information for device\n", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: unknown secret type '<null>'", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: invalid secret type 'ceph'", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'disk4' defined", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: an <auth> definition already found for disk source", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: supplying <cipher> for domain disk definition is unnecessary", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: an <encryption> definition already found for disk source", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: disk device='lun' is only valid for block type disk source", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'disk9' defined", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: Found duplicate drive address for disk with target name 'sda' controller='0' bus='0' target='0' unit='0'", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'disk11' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MediatedAndScsiHostDevicesAreCheckedAsLibvirtdChecksThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Mdev = "<hostdev mode='subsystem' type='mdev' model='{0}'{1}><source><address uuid='{2}'/></source>{3}</hostdev>";
        const string Scsi = "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='{0}'/></source><address type='drive' controller='0' bus='0' target='0' unit='{1}'/></hostdev>";
        const string UuidA = "5f0b3b1e-2d4c-4e57-9c1a-7a9e0d3c2b11";
        const string UuidB = "5f0b3b1e-2d4c-4e57-9c1a-7a9e0d3c2b12";
        string[] devices =
        [
            "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address/></source></hostdev>",
            "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source/></hostdev>",
            string.Format(null, Mdev, "vfio-pci", string.Empty, UuidA, "<address type='drive' controller='0' bus='0' target='0' unit='0'/>"),
            string.Format(null, Mdev, "vfio-ccw", string.Empty, UuidA, "<address type='pci' bus='0' slot='4' function='0'/>"),
            string.Format(null, Mdev, "vfio-pci", " display='on' ramfb='on'", UuidA, string.Empty) + string.Format(null, Mdev, "vfio-pci", " display='on' ramfb='on'", UuidB, string.Empty),
            string.Format(null, Mdev, "vfio-pci", " display='on' ramfb='on'", UuidA, string.Empty) + string.Format(null, Mdev, "vfio-pci", " display='on'", UuidB, string.Empty),
            string.Format(null, Scsi, 1, 3) + string.Format(null, Scsi, 2, 3),
            string.Format(null, Scsi, 1, 3) + string.Format(null, Scsi, 2, 4),
        ];
        string output = await DefineDevicesAsync(pair, "mdev", devices);
        Assert.Contains("unsupported configuration: Missing 'uuid' attribute for element <address>", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: Missing <address> element", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Unsupported address type 'drive' with mediated device model 'vfio-pci'", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Unsupported address type 'pci' with mediated device model 'vfio-ccw'", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: Only one vgpu device can have 'ramfb' enabled", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'mdev5' defined", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: SCSI host address controller='0' bus='0' target='0' unit='3' in use by another SCSI host device", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'mdev7' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HugepageSizesAndNodesetsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Cells = "<cpu><numa><cell id='0' cpus='0' memory='131072'/><cell id='1' cpus='1' memory='131072'/></numa></cpu>";
        string[] bodies =
        [
            "<memoryBacking><hugepages><page size='1' unit='G'/><page size='2048' nodeset='0'/></hugepages></memoryBacking>",
            "<memoryBacking><hugepages><page size='2048' unit='KiB' nodeset='0'/></hugepages></memoryBacking>",
            "<memoryBacking><hugepages><page size='2048' nodeset='1'/></hugepages></memoryBacking>",
            "<memoryBacking><hugepages><page size='2' unit='M' nodeset='0,3'/></hugepages></memoryBacking>" + Cells,
            "<memoryBacking><hugepages><page size='2048' nodeset='0-1'/><page size='1048576' nodeset='1'/></hugepages></memoryBacking>" + Cells,
            "<memoryBacking><hugepages><page size='2048'/><page size='4096'/></hugepages></memoryBacking>" + Cells,
            "<memoryBacking><hugepages><page size='2048' nodeset='1,^1'/></hugepages></memoryBacking>",
            "<numatune><memory mode='strict' nodeset='2,^2'/></numatune>",
            "<memoryBacking><hugepages><page size='2048'/><page size='1048576' nodeset='1'/></hugepages></memoryBacking>" + Cells,
        ];
        string output = await DefineEachAsync(pair, "hp", bodies, b => "<vcpu>2</vcpu><os><type>hvm</type></os>" + b);
        Assert.Contains("error: two master hugepages detected: 2048 and 1048576", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'hp1' defined", output, StringComparison.Ordinal);
        Assert.Contains("error: hugepages: node 1 not found", output, StringComparison.Ordinal);
        Assert.Contains("error: hugepages: node 3 not found", output, StringComparison.Ordinal);
        Assert.Contains("error: nodeset attribute of hugepages of sizes 1048576 and 2048 intersect", output, StringComparison.Ordinal);
        Assert.Contains("error: two master hugepages detected: 4096 and 2048", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: Invalid value of 'nodeset': 1,^1", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: Invalid value of 'nodeset': 2,^2", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'hp8' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SysinfoAndBootTimeoutsAreCheckedAsLibvirtdChecksThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Os = "<os><type>hvm</type><smbios mode='sysinfo'/></os>";
        const string Uuid = "<uuid>6b3c1a52-0e4d-4f1a-8c7b-2d9e5f0a1b3c</uuid>";
        string[] bodies =
        [
            Os + "<sysinfo type='smbios'><bios><entry name='date'>13/01/2020</entry></bios></sysinfo>",
            Os + "<sysinfo type='smbios'><bios><entry name='date'>12/31/1899</entry></bios></sysinfo>",
            Os + "<sysinfo type='smbios'><bios><entry name='date'>12/31/99</entry></bios></sysinfo>",
            Uuid + Os + "<sysinfo type='smbios'><system><entry name='uuid'>6b3c1a52-0e4d-4f1a-8c7b-2d9e5f0a1b3d</entry></system></sysinfo>",
            Uuid + Os + "<sysinfo type='smbios'><system><entry name='uuid'>6B3C1A520E4D4F1A8C7B2D9E5F0A1B3C</entry></system></sysinfo>",
            Os + "<sysinfo type='smbios'><system><entry name='uuid'>7c4d2b63-1f5e-4a2b-9d8c-3e0f6a1b2c4d</entry></system></sysinfo>",
            Os + "<sysinfo type='smbios'><system><entry name='uuid'>not-a-uuid</entry></system></sysinfo>",
            "<os><type>hvm</type><bootmenu enable='yes' timeout='65536'/></os>",
            "<os><type>hvm</type><bootmenu enable='yes' timeout='65535'/><bios rebootTimeout='-2'/></os>",
            "<os><type>hvm</type><bootmenu enable='yes' timeout='65535'/><bios rebootTimeout='-1'/></os>",
        ];
        string output = await DefineEachAsync(pair, "si", bodies, b => b, then: "domname 7c4d2b63-1f5e-4a2b-9d8c-3e0f6a1b2c4d");
        Assert.Equal(2, output.Split("error: Invalid BIOS 'date' format").Length - 1);
        Assert.Contains("Domain 'si2' defined", output, StringComparison.Ordinal);
        Assert.Contains("error: UUID mismatch between <uuid> and <sysinfo>", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("<entry name='uuid'>UUID</entry>").Length - 1);
        Assert.Contains("\nsi5\n", output, StringComparison.Ordinal);
        Assert.Contains("error: malformed <sysinfo> uuid element", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: invalid value for boot menu timeout, must be in range [0,65535]", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: invalid value for rebootTimeout, must be in range [-1,65535]", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'si9' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BootLoadparmIsUpperCasedAndCheckedAsLibvirtdDoes()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Disk = "<disk type='file' device='disk'><source file='/srv/a.img'/><target dev='vda' bus='virtio'/><boot order='1' loadparm='{0}'/></disk>";
        string[] devices =
        [
            string.Format(null, Disk, "sys1?"),
            string.Format(null, Disk, "abcdefghi"),
            string.Format(null, Disk, string.Empty),
            string.Format(null, Disk, "lin.2 a"),
        ];
        string output = await DefineDevicesAsync(pair, "lp", devices);
        Assert.Contains("internal error: invalid loadparm value 'SYS1?', expecting chars in set of [a-zA-Z0-9.] and blank spaces", output, StringComparison.Ordinal);
        Assert.Contains("internal error: loadparm value 'ABCDEFGHI' must be between 1 and 8 characters", output, StringComparison.Ordinal);
        Assert.Contains("internal error: loadparm value '' must be between 1 and 8 characters", output, StringComparison.Ordinal);
        Assert.Contains("<boot order='1' loadparm='LIN.2 A'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TpmBackendsShmemMsiAndDriverQueuesAreCheckedAsLibvirtdChecksThem()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] devices =
        [
            "<tpm model='tpm-tis'/>",
            "<tpm model='tpm-tis'><backend type='emulator' version='2.0'/><backend type='emulator' version='2.0'/></tpm>",
            "<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm>",
            "<shmem name='s0'><model type='ivshmem-doorbell'/><msi vectors='8'/></shmem>",
            "<shmem name='s1'><model type='ivshmem-doorbell'/><server path='/tmp/s1.sock'/><msi vectors='8'/></shmem>",
            "<interface type='network'><source network='default'/><model type='virtio'/><driver queues='-5'/></interface>",
            "<disk type='file' device='disk'><driver name='qemu' queues='x2'/><source file='/srv/a.img'/><target dev='vda' bus='virtio'/></disk>",
            "<interface type='network'><source network='default'/><model type='virtio'/><driver queues='4'/></interface>",
        ];
        string output = await DefineDevicesAsync(pair, "dev", devices);
        Assert.Contains("XML error: missing TPM device backend", output, StringComparison.Ordinal);
        Assert.Contains("XML error: only one TPM backend is supported", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'dev2' defined", output, StringComparison.Ordinal);
        Assert.Contains("XML error: msi option is only supported with a server", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'dev4' defined", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid value for attribute 'queues' in element 'driver': '-5'. Expected non-negative integer value", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid value for attribute 'queues' in element 'driver': 'x2'. Expected non-negative integer value", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'dev7' defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreadSchedulersNameExistingThreadsOnce()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] bodies =
        [
            "<cputune><vcpusched vcpus='0-1' scheduler='fifo' priority='1'/><vcpusched vcpus='1' scheduler='rr' priority='2'/></cputune>",
            "<cputune><vcpusched vcpus='4' scheduler='fifo' priority='1'/></cputune>",
            "<iothreads>1</iothreads><cputune><iothreadsched iothreads='2' scheduler='batch'/></cputune>",
            "<iothreads>2</iothreads><cputune><iothreadsched iothreads='1-2' scheduler='batch'/><iothreadsched iothreads='2' scheduler='idle'/></cputune>",
            "<iothreads>2</iothreads><cputune><vcpusched vcpus='0' scheduler='fifo' priority='1'/><vcpusched vcpus='1' scheduler='rr' priority='2'/><iothreadsched iothreads='2' scheduler='batch'/></cputune>",
        ];
        string output = await DefineEachAsync(pair, "sched", bodies, b => "<vcpu>2</vcpu><os><type>hvm</type></os>" + b);
        Assert.Contains("error: 'vcpusched' attributes 'vcpus' must not overlap", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: vCPU '4' is not present in domain definition", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: Cannot find 'iothread' : 2", output, StringComparison.Ordinal);
        Assert.Contains("error: 'iothreadsched' attributes 'iothreads' must not overlap", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'sched4' defined", output, StringComparison.Ordinal);
    }
}
