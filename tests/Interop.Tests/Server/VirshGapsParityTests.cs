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

    [Fact]
    public async Task NodeDeviceCreateAndDestroyMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string notVport = pair.WriteFile("nd1.xml", VhbaXml("<parent>scsi_host11</parent>", "2000000012341234", "1000000012341234"));
        string byName = pair.WriteFile("n1.xml", VhbaXml("<parent>scsi_host1</parent>", "2000000012341234", "1000000012341234"));
        string byWwns = pair.WriteFile("n2.xml", VhbaXml("<parent wwnn='2000000012341234' wwpn='1000000012341234'/>", "2000000012349999", "1000000012349999"));
        string byFabric = pair.WriteFile("n3.xml", VhbaXml("<parent fabric_wwn='2000000043214321'/>", "2000000012348888", "1000000012348888"));
        string anyParent = pair.WriteFile("n4.xml", VhbaXml(string.Empty, "2000000012347777", "1000000012347777"));
        string badWwns = pair.WriteFile("n5.xml", VhbaXml("<parent wwnn='2000000012341111' wwpn='1000000012341234'/>", "2000000012349999", "1000000012349999"));
        string noWwpn = pair.WriteFile("n6.xml", VhbaXml("<parent>nosuch</parent>", "2000000012349999", null));
        string halfParent = pair.WriteFile("n7.xml", VhbaXml("<parent wwnn='2000000012341111'/>", "2000000012349999", "1000000012349999"));
        string secondHost = pair.WriteFile("n8.xml", VhbaXml("<parent>scsi_host2</parent>", "2000000012346666", "1000000012346666"));
        string output = await SameAsync(
            pair,
            $"nodedev-create {notVport}; nodedev-create {byName}; nodedev-dumpxml scsi_host12; nodedev-create {byWwns}; nodedev-dumpxml scsi_host12; "
            + $"nodedev-create {byFabric}; nodedev-create {anyParent}; nodedev-create {badWwns}; nodedev-create {noWwpn}; nodedev-create {halfParent}; "
            + "nodedev-list --cap scsi_host; nodedev-list --cap fc_host; nodedev-destroy scsi_host12; nodedev-list --cap scsi_host; "
            + "nodedev-destroy scsi_host12; nodedev-destroy computer; nodedev-dumpxml computer; nodedev-destroy scsi_host11; nodedev-destroy scsi_host1; "
            + $"nodedev-list --cap scsi_host; nodedev-create {byName}; nodedev-create {anyParent}; nodedev-create {secondHost}");
        Assert.Contains("Parent device scsi_host11 is not capable of vport operations", output, StringComparison.Ordinal);
        Assert.Contains("Node device scsi_host12 created from", output, StringComparison.Ordinal);
        Assert.Contains("      <wwnn>2000000012349999</wwnn>", output, StringComparison.Ordinal);
        Assert.Contains("Could not find parent device for 'new device'", output, StringComparison.Ordinal);
        Assert.Contains("no WWPN supplied for 'new device', and auto-generation failed", output, StringComparison.Ordinal);
        Assert.Contains("when providing parent wwnn='2000000012341111', the wwpn must also be provided", output, StringComparison.Ordinal);
        Assert.Contains("Destroyed node device 'computer'", output, StringComparison.Ordinal);
        Assert.Contains("no node device with matching name 'scsi_host12'", output, StringComparison.Ordinal);
        Assert.Contains("An error occurred, but the cause is unknown", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeDeviceLifecycleEventsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string vhba = pair.WriteFile("n1.xml", VhbaXml("<parent>scsi_host1</parent>", "2000000012341234", "1000000012341234"));
        string[] results = new string[2];
        string[] uris = [pair.LibvirtdUri, pair.OursUri];
        for (int i = 0; i < 2; i++)
        {
            Task<ExternalProcess.Result> listener = ExternalProcess.VirshAsync(uris[i], "nodedev-event", "--event", "lifecycle", "--loop", "--timeout", "4");

            // The listener keeps libvirtd's test driver alive, so the changes below accumulate on it.
            await Task.Delay(1500);
            (await ExternalProcess.VirshAsync(uris[i], $"nodedev-create {vhba}; nodedev-create {vhba}; nodedev-destroy scsi_host12; nodedev-destroy computer; nodedev-destroy scsi_host11")
                .Within()).EnsureSuccess("virsh changes");
            results[i] = TestDriverPair.Normalise(await listener.Within(), uris[i]);
        }

        Assert.Equal(results[0], results[1]);
        Assert.Contains("event 'lifecycle' for node device scsi_host12: Created", results[1], StringComparison.Ordinal);
        Assert.Contains("event 'lifecycle' for node device scsi_host11: Deleted", results[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkUpdateMatchesLibvirtd()
    {
        string output = await SameAsync(
            "net-dumpxml default; "
            + "net-update default add ip-dhcp-host \"<host mac='52:54:00:AA:00:01' name='a' ip='192.168.122.10'/>\"; "
            + "net-update default add-first ip-dhcp-host \"<host name='b' ip='192.168.122.11'/>\" --config; "
            + "net-update default add ip-dhcp-host \"<host mac='52:54:00:aa:00:01' ip='192.168.122.12'/>\"; "
            + "net-update default add ip-dhcp-host \"<host ip='192.168.122.12'/>\"; "
            + "net-update default add ip-dhcp-host \"<host name='c'/>\"; "
            + "net-update default add ip-dhcp-host \"<range start='1' end='2'/>\"; net-dumpxml default; "
            + "net-update default modify ip-dhcp-host \"<host mac='52:54:00:aa:00:01' name='z' ip='192.168.122.20'/>\" --live; "
            + "net-update default modify ip-dhcp-host \"<host mac='52:54:00:aa:00:09' ip='192.168.122.29'/>\"; "
            + "net-update default delete ip-dhcp-host \"<host name='nosuch'/>\"; "
            + "net-update default delete ip-dhcp-host \"<host/>\"; net-dumpxml default; "
            + "net-update default add ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.254'/>\"; "
            + "net-update default add-first ip-dhcp-range \"<range start='192.168.123.2' end='192.168.123.9'/>\"; "
            + "net-update default modify ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.254'/>\"; "
            + "net-update default delete ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.254'/>\"; "
            + "net-update default delete ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.254'/>\"; "
            + "net-dumpxml default; net-update default add bridge \"<bridge name='x'/>\"; "
            + "net-update default add domain \"<domain name='x'/>\"; net-update default add ip \"<ip/>\"; "
            + "net-update default add forward \"<forward/>\"; net-update default add forward-pf \"<pf dev='x'/>\"; "
            + "net-update default add ip-dhcp-host \"<host name='q' ip='1.2.3.4'/>\" --parent-index 3; net-destroy default; "
            + "net-update default add ip-dhcp-host \"<host name='d' ip='192.168.122.40'/>\" --live; "
            + "net-update default add ip-dhcp-host \"<host name='d' ip='192.168.122.40'/>\"; net-dumpxml default; "
            + "net-start default; net-dumpxml default; "
            + "net-update default delete ip-dhcp-host \"<host name='d'/>\" --live --config; net-dumpxml default");
        Assert.Contains("      <host name='b' ip='192.168.122.11'/>\n      <host mac='52:54:00:AA:00:01' name='a' ip='192.168.122.10'/>", output, StringComparison.Ordinal);
        Assert.Contains("      <host mac='MAC' name='z' ip='192.168.122.20'/>", output, StringComparison.Ordinal);
        Assert.Contains("matches \"<host mac='MAC' name='(null)' ip='192.168.122.12'/>\"", output, StringComparison.Ordinal);
        Assert.Contains("range 192.168.123.2 - 192.168.123.9 is not entirely within network 192.168.122.1/24", output, StringComparison.Ordinal);
        Assert.Contains("dhcp ranges cannot be modified, only added or deleted", output, StringComparison.Ordinal);
        Assert.Contains("can't update 'forward pf' section of network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("no <ip> element found at index 3 in network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("Updated network default persistent config", output, StringComparison.Ordinal);
        Assert.Contains("Requested operation is not valid: network is not running", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkUpdateParsesARangeAsADefinitionDoes()
    {
        string output = await SameAsync(
            "net-update default add ip-dhcp-range \"<range start='192.168.122.2'/>\"; "
            + "net-update default add ip-dhcp-range \"<range end='192.168.122.9'/>\"; "
            + "net-update default add ip-dhcp-range \"<range start='192.168.122.x' end='192.168.122.9'/>\"; "
            + "net-update default add ip-dhcp-range \"<range start='192.168.122.9' end='192.168.122.3'/>\"; "
            + "net-update default add ip-dhcp-range \"<range start='192.168.122.0' end='192.168.122.3'/>\"; "
            + "net-update default add ip-dhcp-range \"<range start='192.168.122.250' end='192.168.122.255'/>\"; "
            + "net-update default add ip-dhcp-range \"<range start='fd00::2' end='fd00::9'/>\"; "
            + "net-update default delete ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.254'/>\"; "
            + "net-update default add ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.10'/>\"; "
            + "net-update default delete ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.10'/>\"; net-dumpxml default");
        Assert.Contains("Missing 'end' attribute in dhcp range for network 'default'", output, StringComparison.Ordinal);
        Assert.Contains("range 192.168.122.9 - 192.168.122.3 is reversed", output, StringComparison.Ordinal);
        Assert.Contains("is the broadcast address", output, StringComparison.Ordinal);
    }

    private static string VhbaXml(string parent, string wwnn, string? wwpn) => $"""
        <device>
          {parent}
          <capability type='scsi_host'>
            <capability type='fc_host'>
              <wwnn>{wwnn}</wwnn>
              {(wwpn is null ? string.Empty : $"<wwpn>{wwpn}</wwpn>")}
            </capability>
          </capability>
        </device>
        """;

    private static Task<string> SameAsync(string commands) => TestDriverPair.VirshSameOnFreshPairAsync(commands);

    private static Task<string> SameAsync(TestDriverPair pair, string commands) => pair.VirshSameAsync(commands);
}
