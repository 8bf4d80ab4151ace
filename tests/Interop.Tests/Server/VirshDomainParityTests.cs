using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>virsh prints the same against our test hypervisor as against libvirtd 9.0.0's test driver.</summary>
public sealed class VirshDomainParityTests
{
    internal const string DemoXml = """
        <domain type='test'>
          <name>demo</name>
          <memory unit='MiB'>512</memory>
          <vcpu>1</vcpu>
          <os><type>hvm</type></os>
          <devices>
            <disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='vda' bus='virtio'/></disk>
            <interface type='network'><source network='default'/></interface>
          </devices>
        </domain>
        """;

    [Theory]
    [InlineData("version")]
    [InlineData("uri")]
    [InlineData("hostname")]
    [InlineData("nodeinfo")]
    [InlineData("capabilities")]
    [InlineData("sysinfo")]
    [InlineData("maxvcpus")]
    [InlineData("freecell --all")]
    [InlineData("list --all")]
    [InlineData("list")]
    [InlineData("list --inactive")]
    [InlineData("list --all --name")]
    [InlineData("dominfo test")]
    [InlineData("domstate --reason test")]
    [InlineData("domuuid test")]
    [InlineData("domid test")]
    [InlineData("domname 1")]
    [InlineData("domname 6695eb01-f6a4-8304-79aa-97f2502e193f")]
    [InlineData("dumpxml test")]
    [InlineData("dumpxml --inactive test")]
    [InlineData("schedinfo test")]
    [InlineData("domifaddr test")]
    [InlineData("domblklist test")]
    [InlineData("vcpucount test")]
    [InlineData("dominfo nosuch")]
    [InlineData("domstate nosuch")]
    [InlineData("domid nosuch")]
    [InlineData("domname 7")]
    [InlineData("setmem test 99999999")]
    [InlineData("setmaxmem test 100000")]
    [InlineData("setvcpus test 40")]
    [InlineData("setvcpus test 3")]
    [InlineData("resume test")]
    [InlineData("start test")]
    [InlineData("domhostname test")]
    [InlineData("reset test")]
    public async Task SingleCommand(string command)
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        (string expected, string actual) = await pair.VirshBothAsync(command);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task LifecycleSequence()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string file = pair.WriteFile("demo.xml", DemoXml);

        // One virsh run: libvirtd resets test:///default when its last client leaves.
        (string expected, string actual) = await pair.VirshBothAsync(
            $"define {file}; dumpxml demo; dominfo demo; domstate --reason demo; start demo; domstate --reason demo; dumpxml demo; " +
            "domid demo; suspend demo; domstate --reason demo; resume demo; domstate --reason demo; shutdown demo; " +
            "domstate --reason demo; start demo; reboot demo; domstate --reason demo; destroy demo; domstate --reason demo; " +
            $"undefine demo; list --all; create {file}; list --all; dominfo demo; destroy demo; list --all");
        Assert.Equal(expected, actual);
        Assert.Contains("running (unpaused)", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsAndResourceChanges()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string file = pair.WriteFile("demo.xml", DemoXml);
        (string expected, string actual) = await pair.VirshBothAsync(
            $"define {file}; destroy demo; suspend demo; resume test; shutdown demo; reboot demo; setmem test 1048576; " +
            "setvcpus test 1; dominfo test; domifaddr demo; autostart demo; dominfo demo; autostart --disable demo; " +
            $"dominfo demo; create {file}; schedinfo demo; setmaxmem demo 262144; setmem demo 100000; dominfo demo; " +
            "setvcpus demo 3 --config --maximum; setvcpus demo 2 --config; vcpucount demo; dumpxml demo; undefine demo");
        Assert.Equal(expected, actual);
        Assert.Contains("Autostart:      enable", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LifecycleEvents()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string file = pair.WriteFile("demo.xml", DemoXml);
        string[] results = new string[2];
        string[] uris = [pair.LibvirtdUri, pair.OursUri];
        for (int i = 0; i < 2; i++)
        {
            Task<ExternalProcess.Result> listener = ExternalProcess.VirshAsync(uris[i], "event", "--all", "--loop", "--timeout", "4");

            // Give the listener time to register before the changes happen.
            await Task.Delay(1500);
            (await ExternalProcess.VirshAsync(uris[i], $"define {file}; start demo; suspend demo; resume demo; reboot demo; shutdown demo; start demo; destroy demo; undefine demo; create {file}; destroy demo").Within())
                .EnsureSuccess("virsh changes");
            results[i] = TestDriverPair.Normalise(await listener.Within(), uris[i]);
        }

        Assert.Equal(results[0], results[1]);
        Assert.Contains("event 'lifecycle' for domain 'demo': Stopped Destroyed", results[1], StringComparison.Ordinal);
        Assert.Contains("events received: 10", results[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Screenshot()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string expectedFile = Path.Combine(pair.Directory, "libvirtd.png");
        string actualFile = Path.Combine(pair.Directory, "ours.png");
        ExternalProcess.Result expected = (await ExternalProcess.VirshAsync(pair.LibvirtdUri, "screenshot", "test", "--file", expectedFile).Within()).EnsureSuccess("libvirtd screenshot");
        ExternalProcess.Result actual = (await ExternalProcess.VirshAsync(pair.OursUri, "screenshot", "test", "--file", actualFile).Within()).EnsureSuccess("our screenshot");
        Assert.Equal(expected.Stdout.Replace(expectedFile, "F", StringComparison.Ordinal), actual.Stdout.Replace(actualFile, "F", StringComparison.Ordinal));
        Assert.Equal(await File.ReadAllBytesAsync(expectedFile), await File.ReadAllBytesAsync(actualFile));
    }
}
