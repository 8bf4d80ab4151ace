using System.Text.RegularExpressions;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Domain snapshots in the test hypervisor against libvirtd 9.0.0's test driver: each test runs one virsh (or python)
/// process per server and demands the same output. Creation times, and the default snapshot names derived from them,
/// differ between the two runs and are masked.
/// </summary>
public sealed partial class SnapshotParityTests
{
    [Fact]
    public async Task CreateListAndInspectMatchLibvirtd()
    {
        string output = await SameAsync(
            "snapshot-list test; snapshot-create-as test s1 --description 'first <one>'; snapshot-create-as test s2; snapshot-create test; "
            + "snapshot-current test --name; snapshot-list test; snapshot-list test --tree; snapshot-list test --parent; "
            + "snapshot-list test --roots; snapshot-list test --leaves; snapshot-list test --no-leaves; snapshot-list test --current; "
            + "snapshot-list test --name; snapshot-list test --topological; snapshot-list test --from s1; "
            + "snapshot-list test --from s1 --descendants; snapshot-list test --from s1 --tree; snapshot-list test --inactive; "
            + "snapshot-list test --active --internal; snapshot-list test --external; snapshot-list test --no-metadata; "
            + "snapshot-info test s1; snapshot-info test --current; snapshot-parent test s2; snapshot-parent test s1; "
            + "snapshot-dumpxml test s1; snapshot-dumpxml test s2; snapshot-dumpxml test nosuch; snapshot-current test s1; "
            + "snapshot-current test --name; snapshot-create-as test s4; snapshot-list test --tree; snapshot-list test --parent --topological; "
            + "snapshot-create-as test s1; snapshot-create-as test d --disk-only; snapshot-create-as test n --no-metadata; "
            + "snapshot-create-as test q --quiesce; snapshot-create-as test r --reuse-external; snapshot-list test --leaves --name; "
            + "list --with-snapshot; list --without-snapshot --all");
        Assert.Contains("Domain snapshot s1 created", output, StringComparison.Ordinal);
        Assert.Contains("Domain snapshot EPOCH created", output, StringComparison.Ordinal);
        Assert.Contains("TIME   running   s1\n", output, StringComparison.Ordinal);
        Assert.Contains("Descendants:    2", output, StringComparison.Ordinal);
        Assert.Contains("<description>first &lt;one&gt;</description>", output, StringComparison.Ordinal);
        Assert.Contains("  <memory snapshot='internal'/>\n  <disks>\n    <disk name='vda' snapshot='internal'/>\n  </disks>\n  <domain type='test'>\n    <name>test</name>", output, StringComparison.Ordinal);
        Assert.Contains("snapshot 's1' has no parent", output, StringComparison.Ordinal);
        Assert.Contains("domain moment s1 already exists", output, StringComparison.Ordinal);
        Assert.Contains("unsupported flags (0x10) in function testDomainSnapshotCreateXML", output, StringComparison.Ordinal);
        Assert.Contains("unsupported flags (0x4) in function testDomainSnapshotCreateXML", output, StringComparison.Ordinal);
        Assert.Contains("Domain snapshot q created", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevertStatesAndEventsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string Commands =
            "snapshot-create-as test run1; suspend test; snapshot-create-as test paused1; destroy test; snapshot-create-as test off1; "
            + "snapshot-list test; start test; snapshot-revert test off1; domstate test --reason; snapshot-revert test run1; "
            + "domstate test --reason; snapshot-revert test paused1; domstate test --reason; snapshot-revert test run1 --paused; "
            + "domstate test --reason; snapshot-revert test paused1 --running; domstate test --reason; snapshot-revert test off1 --running; "
            + "domstate test --reason; snapshot-revert test off1 --paused; domstate test --reason; snapshot-current test --name; "
            + "start test; snapshot-create-as test halted --halt; domstate test --reason; snapshot-info test halted; "
            + "snapshot-revert test run1 --force; domstate test --reason; destroy test; undefine test; undefine test --snapshots-metadata; "
            + "list --all";
        string[] events = new string[2];
        string[] outputs = new string[2];
        string[] uris = [pair.LibvirtdUri, pair.OursUri];
        for (int i = 0; i < 2; i++)
        {
            Task<ExternalProcess.Result> listener = ExternalProcess.VirshAsync(uris[i], "event", "--all", "--loop", "--timeout", "5");

            // The listener keeps libvirtd's test driver alive until the changes are made and reported.
            await Task.Delay(1500);
            outputs[i] = Mask(TestDriverPair.Normalise(await ExternalProcess.VirshAsync(uris[i], Commands).Within(), uris[i]));
            events[i] = Mask(TestDriverPair.Normalise(await listener.Within(), uris[i]));
        }

        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(events[0], events[1]);
        Assert.Contains("shut off (from snapshot)", outputs[1], StringComparison.Ordinal);
        Assert.Contains("running (from snapshot)", outputs[1], StringComparison.Ordinal);
        Assert.Contains("paused (from snapshot)", outputs[1], StringComparison.Ordinal);
        Assert.Contains("cannot delete inactive domain with 4 snapshots", outputs[1], StringComparison.Ordinal);
        Assert.Contains("Domain 'test' has been undefined", outputs[1], StringComparison.Ordinal);
        Assert.Contains("event 'lifecycle' for domain 'test': Stopped Snapshot", events[1], StringComparison.Ordinal);
        Assert.Contains("event 'lifecycle' for domain 'test': Started Snapshot", events[1], StringComparison.Ordinal);
        Assert.Contains("event 'lifecycle' for domain 'test': Suspended Snapshot", events[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAndRedefineMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string redefine = pair.WriteFile("old.xml", """
            <domainsnapshot>
              <name>old</name>
              <description>kept</description>
              <state>shutoff</state>
              <parent><name>a</name></parent>
              <creationTime>1000000000</creationTime>
              <domain type='test'>
                <name>test</name>
                <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
                <memory unit='KiB'>1048576</memory>
                <vcpu>1</vcpu>
                <os><type>hvm</type></os>
              </domain>
            </domainsnapshot>
            """);
        string output = await SameAsync(
            pair,
            "snapshot-create-as test a; snapshot-create-as test b; snapshot-create-as test c; snapshot-current test a; snapshot-create-as test d; "
            + "snapshot-list test --tree; snapshot-delete test b; snapshot-list test --tree; snapshot-current test --name; "
            + "snapshot-delete test a --metadata; snapshot-delete test a --children-only; snapshot-list test --tree; snapshot-current test --name; "
            + $"snapshot-create test {redefine} --redefine; snapshot-current test --name; snapshot-info test old; snapshot-dumpxml test old; "
            + $"snapshot-create test {redefine} --redefine --current; snapshot-current test --name; snapshot-revert test old; domstate test --reason; "
            + "dumpxml test; snapshot-create-as test e; snapshot-create-as test f; snapshot-list test --parent; snapshot-delete test a --children; "
            + "snapshot-list test; snapshot-current test; snapshot-delete test nosuch");
        Assert.Contains("Domain snapshot b deleted", output, StringComparison.Ordinal);
        Assert.Contains("Domain snapshot a children deleted", output, StringComparison.Ordinal);
        Assert.Contains("unsupported flags (0x2) in function testDomainSnapshotDelete", output, StringComparison.Ordinal);
        Assert.Contains("Domain snapshot old created from '", output, StringComparison.Ordinal);
        Assert.Contains("<memory unit='KiB'>1048576</memory>", output, StringComparison.Ordinal);
        Assert.Contains("domain 'test' has no current snapshot", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientDomainSnapshotsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string demo = pair.WriteFile("demo.xml", VirshDomainParityTests.DemoXml);
        string output = await SameAsync(
            pair,
            $"create {demo}; snapshot-create-as demo t1; snapshot-create-as demo t2 --halt; suspend demo; snapshot-create-as demo t3; "
            + "snapshot-revert demo t1; domstate demo --reason; snapshot-list demo --parent; snapshot-dumpxml demo t3; destroy demo; "
            + $"create {demo}; snapshot-list demo; snapshot-current demo");
        Assert.Contains("cannot halt after transient domain snapshot", output, StringComparison.Ordinal);
        Assert.Contains("running (from snapshot)", output, StringComparison.Ordinal);
        Assert.Contains("<state>paused</state>", output, StringComparison.Ordinal);
        Assert.Contains("domain 'demo' has no current snapshot", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonSnapshotCallsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(PythonScript, Mask);
        Assert.Contains("names ['p1', 'p2', 'p3']", actual, StringComparison.Ordinal);
        Assert.Contains("parent p2 -> p1", actual, StringComparison.Ordinal);
        Assert.Contains("getParent ERR 72", actual, StringComparison.Ordinal);
        Assert.Contains("state after revert [3, 7]", actual, StringComparison.Ordinal);
        Assert.Contains("badxml ERR 27 5 XML error: expecting root element of 'domainsnapshot', not 'nope'", actual, StringComparison.Ordinal);
        Assert.Contains("'manual' snapshot mode is not supported by the test driver", actual, StringComparison.Ordinal);
        Assert.Contains("exit 0", actual, StringComparison.Ordinal);
    }

    private const string PythonScript = TestDriverPair.PythonPrelude + "\n" + """
        p1 = dom.snapshotCreateXML('<domainsnapshot><name>p1</name></domainsnapshot>', 0)
        dom.suspend()
        p2 = dom.snapshotCreateXML('<domainsnapshot><name>p2</name><description>two</description></domainsnapshot>', 0)
        dom.resume()
        p3 = dom.snapshotCreateXML('<domainsnapshot><name>p3</name></domainsnapshot>', 0)
        print('names', sorted(s.getName() for s in dom.listAllSnapshots(0)))
        print('roots', [s.getName() for s in dom.listAllSnapshots(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)])
        print('num', dom.snapshotNum(0), dom.snapshotNum(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_LEAVES), sorted(dom.snapshotListNames(0)))
        print('parent p2 ->', dom.snapshotLookupByName('p2', 0).getParent(0).getName())
        err('getParent', lambda: p1.getParent(0))
        print('current', [s.isCurrent(0) for s in (p1, p2, p3)], dom.hasCurrentSnapshot(0), dom.snapshotCurrent(0).getName())
        print('metadata', p1.hasMetadata(0), p1.numChildren(0), p1.numChildren(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS))
        print('children', [s.getName() for s in p1.listAllChildren(libvirt.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS | libvirt.VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL)])
        print('childnames', p1.listChildrenNames(0))
        print('xml', p2.getXMLDesc(0))
        err('lookup', lambda: dom.snapshotLookupByName('zz', 0))
        err('badflags', lambda: dom.snapshotCreateXML('<domainsnapshot/>', libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA))
        err('badxml', lambda: dom.snapshotCreateXML('<nope/>', 0) and 'created')
        err('manual memory', lambda: dom.snapshotCreateXML("<domainsnapshot><memory snapshot='manual'/></domainsnapshot>", 0) and 'created')
        err('manual disk', lambda: dom.snapshotCreateXML("<domainsnapshot><disks><disk name='vda' snapshot='manual'/></disks></domainsnapshot>", 0) and 'created')
        dom.revertToSnapshot(p2, 0)
        print('state after revert', dom.state())
        print('current after revert', dom.snapshotCurrent(0).getName())
        err('revert flags', lambda: dom.revertToSnapshot(p1, 8))
        p2.delete(0)
        print('after delete', sorted(dom.snapshotListNames(0)), p3.getParent(0).getName())
        err('deleted', lambda: p2.getXMLDesc(0))
        p1.delete(libvirt.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
        print('after children delete', dom.snapshotNum(0), dom.hasCurrentSnapshot(0))
        """;

    private static Task<string> SameAsync(string commands) => TestDriverPair.VirshSameOnFreshPairAsync(commands, Mask);

    private static Task<string> SameAsync(TestDriverPair pair, string commands) => pair.VirshSameAsync(commands, Mask);

    // Snapshot creation times (and the names defaulted from them) follow the wall clock of each run.
    private static string Mask(string text) => Epoch().Replace(Timestamp().Replace(text, "TIME"), "EPOCH");

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b1[7-9]\d{8}\b")]
    private static partial Regex Epoch();
}
