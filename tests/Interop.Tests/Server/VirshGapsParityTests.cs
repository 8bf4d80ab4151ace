using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Test-driver features beyond the sweep (I/O threads, node device creation, network updates, checkpoints and a few
/// tuning corner cases): each test runs one virsh process against libvirtd 9.0.0's test driver and one against our
/// server, and demands the same output.
/// </summary>
public sealed class VirshGapsParityTests
{
    private const string IoThreadXml = """
        <domain type='test'>
          <name>io</name>
          <memory unit='MiB'>512</memory>
          <vcpu>2</vcpu>
          <iothreads>3</iothreads>
          <iothreadids><iothread id='5'/></iothreadids>
          <os><type>hvm</type></os>
          <devices>
            <disk type='file' device='disk'>
              <driver name='qemu' iothread='5'/>
              <source file='/tmp/a.img'/>
              <target dev='vda' bus='virtio'/>
            </disk>
          </devices>
        </domain>
        """;

    [Fact]
    public async Task IoThreadsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string io = pair.WriteFile("io.xml", IoThreadXml);
        string output = await SameAsync(
            pair,
            "iothreadinfo test; iothreadadd test 0; iothreadadd test 3; iothreadadd test 3; iothreadadd test 1 --config; iothreadinfo test; "
            + "iothreadinfo test --config; iothreadpin test 3 0; iothreadpin test 9 0; iothreadinfo test; "
            + "iothreadset test 3 --poll-max-ns 100 --poll-grow 2; iothreadset test 1 --poll-max-ns 5; iothreadset test 7 --poll-max-ns 5; "
            + "iothreadset test 3 --poll-max-ns 5 --config; domstats --iothread test; iothreaddel test 3; iothreaddel test 3; iothreadinfo test; "
            + $"dumpxml test; define {io}; iothreadinfo io; dumpxml io; iothreaddel io 5; iothreaddel io 1; iothreadinfo io; dumpxml io; "
            + "iothreadset io 2 --poll-max-ns 4; iothreadadd io 7 --live; iothreadpin io 2 1 --config; iothreadinfo io; start io; "
            + "iothreadadd io 9 --live --config; iothreadadd io 9; domstats --iothread io; iothreadset io 9 --poll-shrink 3; domstats --iothread io; "
            + "iothreadinfo io; dumpxml io; iothreadpin io 9 0-1; dumpxml io; iothreaddel io 2 --config; dumpxml io --inactive");
        Assert.Contains("an IOThread is already using iothread_id '3'", output, StringComparison.Ordinal);
        Assert.Contains(" 3             0\n", output, StringComparison.Ordinal);
        Assert.Contains("cannot find IOThread '7' in iothreadids", output, StringComparison.Ordinal);
        Assert.Contains("unsupported flags (0x2) in function testDomainSetIOThreadParams", output, StringComparison.Ordinal);
        Assert.Contains("  iothread.3.poll-grow=2", output, StringComparison.Ordinal);
        Assert.Contains("  iothread.9.poll-shrink=3", output, StringComparison.Ordinal);
        Assert.Contains("cannot remove IOThread 5 since it is being used by disk 'vda'", output, StringComparison.Ordinal);
        Assert.Contains("An error occurred, but the cause is unknown", output, StringComparison.Ordinal);
        Assert.Contains("  <iothreadids>\n    <iothread id='5'/>\n    <iothread id='2'/>\n    <iothread id='9'/>\n  </iothreadids>", output, StringComparison.Ordinal);
        Assert.Contains("    <iothreadpin iothread='2' cpuset='1'/>", output, StringComparison.Ordinal);
        Assert.Contains("    <iothreadpin iothread='9' cpuset='0-1'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendKeyCodesetsBandwidthClearingAndBlkioOrderMatchLibvirtd()
    {
        string output = await SameAsync(
            "domiftune test testnet0 --inbound 100,200,300; domiftune test testnet0 --inbound 0; dumpxml test; "
            + "blkiotune test --device-read-iops-sec /dev/sda,10,/dev/sdb,20,/dev/sdc,30; blkiotune test --device-read-iops-sec /dev/sda,0; "
            + "blkiotune test; blkiotune test --device-weights /dev/sdd,4; blkiotune test --device-weights /dev/sda,7; blkiotune test; dumpxml test; "
            + "send-key test KEY_A 30 0x1fb; send-key test 600; send-key test --codeset usb 4 252; send-key test --codeset atset2 0xe07d; "
            + "send-key test --codeset qnum 0x54; send-key test --codeset xt 0x60; send-key test --codeset os_x 0xff 256; "
            + "send-key test --codeset win32 0x100; send-key test --codeset xt_kbd 0x17d 0x17e; send-key test --codeset atset3 0xa3 0xa4");
        Assert.Contains("      <bandwidth>\n      </bandwidth>\n", output, StringComparison.Ordinal);
        Assert.Contains("device_read_iops_sec: /dev/sdb,20,/dev/sdc,30", output, StringComparison.Ordinal);
        Assert.Contains("device_weight  : /dev/sda,7,/dev/sdd,4", output, StringComparison.Ordinal);
        Assert.Contains("error: internal error: invalid keycode 507 of linux codeset", output, StringComparison.Ordinal);
        Assert.Contains("invalid keycode 252 of usb codeset", output, StringComparison.Ordinal);
        Assert.Contains("invalid keycode 96 of xt codeset", output, StringComparison.Ordinal);
        Assert.Contains("invalid keycode 382 of xt_kbd codeset", output, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid keycode 4 of usb", output, StringComparison.Ordinal);
    }

    private static async Task<string> SameAsync(string commands)
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        return await SameAsync(pair, commands);
    }

    private static async Task<string> SameAsync(TestDriverPair pair, string commands)
    {
        (string expected, string actual) = await pair.VirshBothAsync(commands);
        Assert.Equal(expected, actual);
        return actual;
    }
}
