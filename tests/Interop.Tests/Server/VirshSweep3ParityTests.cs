using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The third sweep, through every group of <c>virsh help</c>: what differed between libvirtd 9.0.0's test driver and
/// our server. Each test runs the same virsh command string against both and demands the same output.
/// </summary>
public sealed class VirshSweep3ParityTests
{
    [Fact]
    public async Task QemuMonitorEventsAreNotSupportedByTheTestDriver()
    {
        string output = await SameAsync("qemu-monitor-event --timeout 1; qemu-monitor-event --domain test --event SHUTDOWN --timeout 1");
        Assert.Contains("error: this function is not supported by the connection driver: virConnectDomainQemuMonitorEventRegister", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolSourcesGetTheirTypesPartsDefaultsAndOrder()
    {
        string output = await SameAsync(
            "pool-define-as p1 netfs --source-host h --source-path /x//y/ --target /mnt; pool-dumpxml p1; "
            + "pool-create-as p2 logical --source-dev /dev/sdb --source-name vg2; pool-dumpxml p2; pool-define-as p3 logical; pool-dumpxml p3; "
            + "pool-define-as p4 fs --source-dev /dev/sdc --target /m//x/; pool-dumpxml p4; pool-define-as p5 fs --target /y; "
            + "pool-define-as p6 netfs --source-host h --target /z; pool-define-as p7 netfs --source-path /e --target /z; "
            + "pool-define-as p8 disk --source-dev /dev/sdd --source-format gpt --target /dev; pool-dumpxml p8; "
            + "pool-define-as p9 disk --source-dev /dev/sdd --source-format bogus --target /dev; "
            + "pool-define-as p10 rbd --source-host mon --source-name rp --auth-type ceph --auth-username admin --secret-usage s; pool-dumpxml p10; "
            + "pool-define-as p11 gluster --source-host gh --source-name vol; pool-dumpxml p11; pool-define-as p12 zfs --source-name tank; pool-dumpxml p12; "
            + "pool-define-as p13 netfs --source-host h --source-path /x --source-format nfs --source-protocol-ver 3 --target /mnt; pool-dumpxml p13; "
            + "pool-define-as p14 netfs --source-host h --source-path /x --source-format cifs --source-protocol-ver 3 --target /mnt; "
            + "pool-define-as p15 iscsi --source-host h --source-dev iqn.x --target /dev/disk/by-path; pool-dumpxml p15");
        Assert.Contains("<dir path='/x/y'/>\n    <format type='auto'/>\n  </source>", output, StringComparison.Ordinal);
        Assert.Contains("<name>vg2</name>\n    <format type='lvm2'/>\n  </source>\n  <target>\n    <path>/dev/vg2</path>", output, StringComparison.Ordinal);
        Assert.Contains("<path>/dev/p3</path>", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing storage pool source device name", output, StringComparison.Ordinal);
        Assert.Contains("error: XML error: missing storage pool source path", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: unknown pool format type bogus", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: storage pool protocol ver unsupported for pool type 'cifs'", output, StringComparison.Ordinal);
        Assert.Contains("<path>/m/x</path>", output, StringComparison.Ordinal);
    }

    private static Task<string> SameAsync(string commands) => TestDriverPair.VirshSameOnFreshPairAsync(commands);
}
