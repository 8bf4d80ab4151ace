using System.Text;
using System.Text.RegularExpressions;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// virt-install, virt-xml and virt-clone (Debian's virtinst) against libvirtd 9.0.0's test driver and our server: the
/// same command lines print the same, fail the same, and leave domains and volumes whose XML virsh dumps identically.
/// </summary>
public sealed partial class VirtInstallParityTests
{
    private static readonly string[] Installs =
    [
        "--name demo --memory 256 --vcpus 1 --disk none --import --osinfo generic --noautoconsole",
        "--name d4 --memory 256 --disk size=1 --import --osinfo generic --noautoconsole",
        "--name d5 --memory 256 --disk path=/default-pool/x.img,size=1 --import --osinfo generic --noautoconsole",
        "--name d6 --memory 256 --disk none --network network=default --import --boot hd,menu=on --osinfo generic --noautoconsole --graphics vnc",
        "--name d7 --memory 256 --disk none --import --osinfo generic --noautoconsole --transient",
        "--name d8 --memory 512 --vcpus 2 --disk none --import --osinfo generic --noautoconsole --check all=off --graphics none",
        "--name e1 --memory 256 --disk size=1,bus=virtio --disk size=1,bus=scsi --disk size=1,bus=sata --disk device=cdrom,bus=ide --import --osinfo generic --noautoconsole",
        "--name e3 --memory 256 --disk none --import --osinfo generic --noautoconsole --serial pty --serial pty --channel unix,target.type=virtio,name=org.qemu.guest_agent.0 " +
            "--console pty,target.type=virtio --rng /dev/urandom --watchdog i6300esb --memballoon virtio --controller type=scsi,model=virtio-scsi --sound ich9 --video vga " +
            "--graphics vnc,listen=127.0.0.1,port=5905",
        "--name e4 --memory 256 --vcpus 4,maxvcpus=8 --cpu host-model --disk none --import --osinfo generic --noautoconsole --graphics spice,listen=none " +
            "--features acpi=on,apic=on --clock offset=localtime --events on_poweroff=preserve",
        "--name e9 --memory 256 --disk pool=default-pool,size=2,format=raw --import --osinfo generic --noautoconsole",
        "--name f1 --memory 256 --disk size=1 --cdrom /default-pool/e9.img --osinfo generic --noautoconsole --check all=off",
        "--name f2 --memory 256 --disk vol=default-pool/e9.img,device=cdrom --disk none --import --osinfo generic --noautoconsole --network none --iothreads 2 " +
            "--cputune vcpupin0.vcpu=0,vcpupin0.cpuset=0 --numatune 0 --memorybacking hugepages=on --check all=off",
        "--name f3 --memory 256 --disk none --import --osinfo generic --noautoconsole --network bridge=br0,mac=52:54:00:11:22:33 --network user --sysinfo host " +
            "--boot menu=on,useserial=on --idmap clearxml=yes",
        "--name f8 --memory 256 --disk /default-pool/f8.img,size=1,bus=usb --disk /default-pool/f8b.img,size=1,bus=sd --disk /default-pool/f8c.img,size=1,device=floppy " +
            "--import --osinfo generic --noautoconsole",
    ];

    /// <summary>virt-install's own refusals, which depend on what the hypervisor reports.</summary>
    private static readonly string[] Refusals =
    [
        "--name demo --memory 256 --disk none --import --osinfo generic --noautoconsole",
        "--name r1 --memory 256 --disk none --network network=default --boot hd --osinfo generic --noautoconsole",
        "--name r2 --memory 256 --disk none --import --osinfo generic --noautoconsole --boot uefi",
        "--name r3 --memory 256 --disk none --import --osinfo generic --noautoconsole --hostdev 0x1234:0x5678",
        "--name r4 --memory 256 --disk /default-pool/nosuch.img --import --osinfo generic --noautoconsole",
        "--name r5 --memory 256 --disk none --cdrom /default-pool/x.img --osinfo generic --noautoconsole",
        "--name r6 --memory 256 --disk none --cdrom /default-pool/nosuch.iso --osinfo generic --noautoconsole --check all=off",
        "--name r7 --memory 256 --disk none --import --osinfo generic --noautoconsole --arch x86_64 --machine pc --virt-type test",
        "--name r8 --memory 256 --disk none --boot kernel=/tmp/k,initrd=/tmp/i --osinfo generic --noautoconsole --graphics none",
    ];

    [Fact]
    public async Task InstallsLeaveTheSameDomainsAndVolumes()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        await using Holders holders = await Holders.OpenAsync(pair);
        var expected = new StringBuilder();
        var actual = new StringBuilder();
        foreach (string install in Installs)
        {
            await BothAsync(pair, expected, actual, "virt-install", [.. install.Split(' ')]);
        }

        foreach (string refusal in Refusals)
        {
            await BothAsync(pair, expected, actual, "virt-install", [.. refusal.Split(' ')]);
        }

        await VirshBothAsync(pair, expected, actual, "list --all; vol-list default --details; vol-list default-pool --details; vol-dumpxml --pool default d4.qcow2; " +
            "vol-dumpxml --pool default-pool e9.img");
        foreach (string name in new[] { "demo", "d4", "d5", "d6", "d7", "d8", "e1", "e3", "e4", "e9", "f1", "f2", "f3", "f8" })
        {
            await VirshBothAsync(pair, expected, actual, $"dumpxml {name}; dumpxml --inactive {name}");
        }

        Assert.Equal(expected.ToString(), actual.ToString());
        string text = actual.ToString();
        Assert.Contains("Domain creation completed.", text, StringComparison.Ordinal);
        Assert.Contains("ERROR    Guest name 'demo' is already in use.", text, StringComparison.Ordinal);
        Assert.Contains("ERROR    Libvirt version does not support UEFI.", text, StringComparison.Ordinal);
        Assert.Contains("<controller type='virtio-serial' index='0'/>", text, StringComparison.Ordinal);
        Assert.Contains("<address type='drive' controller='0' bus='0' target='0' unit='1'/>", text, StringComparison.Ordinal);
        Assert.Contains("<console type='pty'>\n      <target type='serial' port='0'/>", text, StringComparison.Ordinal);
        Assert.Contains("<graphics type='spice' autoport='yes'>\n      <listen type='address'/>", text, StringComparison.Ordinal);
        Assert.Contains("<graphics type='vnc' port='5905' autoport='no' listen='127.0.0.1'>", text, StringComparison.Ordinal);
        Assert.Contains("<model type='qxl' ram='65536' vram='65536' heads='1' primary='yes'/>", text, StringComparison.Ordinal);
        Assert.Contains("<redirdev bus='usb' type='spicevmc'>\n    </redirdev>", text, StringComparison.Ordinal);
        Assert.Contains("<compat>1.1</compat>", text, StringComparison.Ordinal);
        Assert.Contains("<memory mode='strict' nodeset='0'/>", text, StringComparison.Ordinal);
        Assert.Contains("<target dev='fda' bus='fdc'/>\n      <address type='drive' controller='0' bus='0' target='0' unit='0'/>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintXmlAndDryRunMatch()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        var expected = new StringBuilder();
        var actual = new StringBuilder();
        await BothAsync(pair, expected, actual, "virt-install", "--name", "p1", "--memory", "256", "--disk", "none", "--import", "--os-variant", "generic", "--print-xml");
        await BothAsync(pair, expected, actual, "virt-install", "--name", "p2", "--memory", "256", "--disk", "size=1", "--import", "--osinfo", "generic", "--dry-run");
        await BothAsync(pair, expected, actual, "virt-install", "--name", "p3", "--memory", "256", "--disk", "none", "--pxe", "--osinfo", "generic", "--print-xml", "--network", "network=default,model=virtio");
        Assert.Equal(expected.ToString(), actual.ToString());
        Assert.Contains("Dry run completed successfully", actual.ToString(), StringComparison.Ordinal);
        Assert.Contains("<domain type=\"test\">", actual.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VirtXmlAndVirtCloneMatch()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        await using Holders holders = await Holders.OpenAsync(pair);
        var expected = new StringBuilder();
        var actual = new StringBuilder();
        await BothAsync(pair, expected, actual, "virt-install", [.. Installs[0].Split(' ')]);
        await BothAsync(pair, expected, actual, "virt-install", [.. Installs[5].Split(' ')]);
        await BothAsync(pair, expected, actual, "virt-xml", "demo", "--edit", "--vcpus", "2");
        await BothAsync(pair, expected, actual, "virt-xml", "demo", "--add-device", "--disk", "/default-pool/y.img,size=1");
        await BothAsync(pair, expected, actual, "virt-xml", "demo", "--add-device", "--disk", "/default-pool/q.img,size=1", "--update");
        await BothAsync(pair, expected, actual, "virt-xml", "demo", "--edit", "--vcpus", "3", "--update");
        await BothAsync(pair, expected, actual, "virt-xml", "demo", "--edit", "--print-diff", "--memory", "512");
        await BothAsync(pair, expected, actual, "virt-xml", "d8", "--add-device", "--disk", "/default-pool/z.img,size=1", "--define");
        await BothAsync(pair, expected, actual, "virt-clone", "--original", "d8", "--auto-clone");
        await VirshBothAsync(pair, expected, actual, "destroy d8");
        await BothAsync(pair, expected, actual, "virt-clone", "--original", "d8", "--auto-clone");
        await BothAsync(pair, expected, actual, "virt-clone", "--original", "d8", "--name", "d8-two", "--file", "/default-pool/two.img");
        await BothAsync(pair, expected, actual, "virt-install", "--name", "g1", "--memory", "256", "--disk", "path=/default-pool/g1.qcow2,format=qcow2,size=1",
            "--disk", "path=/default-pool/g1b.img,size=1,sparse=no", "--import", "--osinfo", "generic", "--noautoconsole");
        await VirshBothAsync(pair, expected, actual, "destroy g1");
        string[][] edits =
        [
            ["--add-device", "--network", "network=default,model=virtio"],
            ["--remove-device", "--sound", "all"],
            ["--remove-device", "--redirdev", "all"],
            ["--edit", "--graphics", "vnc,port=5910"],
            ["--edit", "--boot", "menu=on,cdrom,hd"],
            ["--edit", "--cpu", "host-passthrough"],
            ["--edit", "--memory", "512,maxmemory=1024"],
            ["--edit", "--metadata", "title=hello,description=world"],
            ["--start", "--edit", "--vcpus", "2"],
        ];
        foreach (string[] edit in edits)
        {
            await BothAsync(pair, expected, actual, "virt-xml", ["g1", .. edit]);
        }

        await VirshBothAsync(pair, expected, actual, "dumpxml g1; destroy g1");
        await BothAsync(pair, expected, actual, "virt-clone", "--original", "g1", "--name", "g1c", "--file", "/default-pool/g1c.qcow2", "--file", "/default-pool/g1cb.img");
        await BothAsync(pair, expected, actual, "virt-clone", "--original", "g1", "--name", "g1p", "--preserve-data", "--file", "/default-pool/g1.qcow2", "--file", "/default-pool/g1b.img");
        await VirshBothAsync(pair, expected, actual, "list --all; vol-list default-pool; dumpxml --inactive demo; dumpxml demo; dumpxml d8-clone; dumpxml d8-two; " +
            "dumpxml g1c; vol-dumpxml --pool default-pool g1c.qcow2; vol-dumpxml --pool default-pool g1b.img");
        Assert.Equal(expected.ToString(), actual.ToString());
        string text = actual.ToString();
        Assert.Contains("Domain 'demo' defined successfully.", text, StringComparison.Ordinal);
        Assert.Contains("ERROR    Domain to clone must be shutoff.", text, StringComparison.Ordinal);
        Assert.Contains("Clone 'd8-clone' created successfully.", text, StringComparison.Ordinal);
        Assert.Contains("/default-pool/z-clone.img", text, StringComparison.Ordinal);
        Assert.Contains("virDomainAttachDeviceFlags", text, StringComparison.Ordinal);
        Assert.Contains("<graphics type='vnc' port='5910' autoport='no'>\n      <listen type='address'/>\n    </graphics>", text, StringComparison.Ordinal);
        Assert.Contains("Clone 'g1c' created successfully.", text, StringComparison.Ordinal);
    }

    private static async Task BothAsync(TestDriverPair pair, StringBuilder expected, StringBuilder actual, string program, params string[] arguments)
    {
        expected.Append(await RunAsync(program, pair.LibvirtdUri, arguments).Within());
        actual.Append(await RunAsync(program, pair.OursUri, arguments).Within());
    }

    private static async Task VirshBothAsync(TestDriverPair pair, StringBuilder expected, StringBuilder actual, string commands)
    {
        (string libvirtd, string ours) = await pair.VirshBothAsync(commands);
        expected.Append(ToolOutput(libvirtd));
        actual.Append(ToolOutput(ours));
    }

    private static async Task<string> RunAsync(string program, string uri, string[] arguments)
    {
        ExternalProcess.Result result = await ExternalProcess.RunAsync(
            program,
            ["--connect", uri, .. arguments],
            environment: new Dictionary<string, string> { ["LC_ALL"] = "C" },
            timeout: TimeSpan.FromSeconds(25));
        return $"$ {program} {string.Join(' ', arguments)}\n" + ToolOutput(TestDriverPair.Normalise(result, uri));
    }

    // virt-install picks Xen-prefixed MACs for the test driver, and its progress lines carry a duration.
    private static string ToolOutput(string text) => Elapsed().Replace(XenMac().Replace(text, "MAC"), "|ELAPSED");

    [GeneratedRegex("00:16:3e(:[0-9a-f]{2}){3}")]
    private static partial Regex XenMac();

    [GeneratedRegex(@"\|[^|\n]*\d\d:\d\d[^\n]*")]
    private static partial Regex Elapsed();

    /// <summary>
    /// One open connection to each side for the whole test: libvirtd resets test:///default when its last client
    /// leaves, and each tool run is a client of its own.
    /// </summary>
    private sealed class Holders : IAsyncDisposable
    {
        private readonly LibvirtConnection _libvirtd;
        private readonly LibvirtConnection _ours;

        private Holders(LibvirtConnection libvirtd, LibvirtConnection ours)
        {
            _libvirtd = libvirtd;
            _ours = ours;
        }

        public static async Task<Holders> OpenAsync(TestDriverPair pair)
        {
            LibvirtConnection libvirtd = await LibvirtConnection.OpenAsync(pair.LibvirtdUri).Within();
            try
            {
                return new Holders(libvirtd, await LibvirtConnection.OpenAsync(pair.OursUri).Within());
            }
            catch
            {
                await libvirtd.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _ours.DisposeAsync();
            await _libvirtd.DisposeAsync();
        }
    }
}
