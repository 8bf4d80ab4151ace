using System.Text.RegularExpressions;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Domain checkpoints in the test hypervisor against libvirtd 9.0.0's test driver: each test runs one virsh (or python)
/// process per server and demands the same output. Creation times, and the default names and bitmaps derived from
/// them, follow each run's clock and are masked.
/// </summary>
public sealed partial class CheckpointParityTests
{
    // Four disks: writable, read-only, an empty CD-ROM and a second writable one, to show how disks are lined up.
    private const string DisksXml = """
        <domain type='test'>
          <name>disks</name>
          <memory unit='MiB'>512</memory>
          <vcpu>1</vcpu>
          <os><type>hvm</type></os>
          <devices>
            <disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='vda' bus='virtio'/></disk>
            <disk type='file' device='disk'><source file='/tmp/b.img'/><target dev='vdb' bus='virtio'/><readonly/></disk>
            <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>
            <disk type='file' device='disk'><source file='/tmp/d.img'/><target dev='sdd' bus='scsi'/></disk>
          </devices>
        </domain>
        """;

    [Fact]
    public async Task CreateListAndInspectMatchLibvirtd()
    {
        string output = await SameAsync(
            "checkpoint-list test; checkpoint-create-as test c1 --description 'first <one>'; checkpoint-create-as test c2; "
            + "checkpoint-create-as test c3 --quiesce; checkpoint-create-as test c4 --diskspec vda,checkpoint=no; "
            + "checkpoint-create-as test c5 --diskspec vda,bitmap=bm5; checkpoint-create test; "
            + "checkpoint-list test; checkpoint-list test --tree; checkpoint-list test --parent; checkpoint-list test --roots; "
            + "checkpoint-list test --leaves; checkpoint-list test --no-leaves; checkpoint-list test --name; checkpoint-list test --topological; "
            + "checkpoint-list test --from c2; checkpoint-list test --from c2 --descendants; checkpoint-list test --from c2 --tree; "
            + "checkpoint-list test --from c2 --descendants --leaves --name; checkpoint-list test --roots --leaves; checkpoint-list test --parent --topological; "
            + "checkpoint-info test c1; checkpoint-info test c2; checkpoint-parent test c2; checkpoint-parent test c1; "
            + "checkpoint-dumpxml test c1; checkpoint-dumpxml test c2 --no-domain; checkpoint-dumpxml test c4 --no-domain --size; "
            + "checkpoint-dumpxml test c5 --no-domain --security-info; checkpoint-dumpxml test nosuch; checkpoint-info test nosuch; "
            + "checkpoint-parent test nosuch; checkpoint-create-as test c2; checkpoint-list test --from nosuch; "
            + "list --all --with-checkpoint; list --all --without-checkpoint; snapshot-create-as test s1; snapshot-list test");
        Assert.Contains("Domain checkpoint c1 created", output, StringComparison.Ordinal);
        Assert.Contains("Domain checkpoint EPOCH created", output, StringComparison.Ordinal);
        Assert.Contains("<description>first &lt;one&gt;</description>", output, StringComparison.Ordinal);
        Assert.Contains("  <disks>\n    <disk name='vda' checkpoint='bitmap' bitmap='c1'/>\n  </disks>\n  <domain type='test'>\n    <name>test</name>", output, StringComparison.Ordinal);
        Assert.Contains("<disk name='vda' checkpoint='no'/>", output, StringComparison.Ordinal);
        Assert.Contains("<disk name='vda' checkpoint='bitmap' bitmap='bm5'/>", output, StringComparison.Ordinal);
        Assert.Contains("  <parent>\n    <name>c1</name>\n  </parent>\n", output, StringComparison.Ordinal);
        Assert.Contains("Children:       1\nDescendants:    4", output, StringComparison.Ordinal);
        Assert.Contains("checkpoint 'c1' has no parent", output, StringComparison.Ordinal);
        Assert.Contains("no domain checkpoint with matching name 'nosuch'", output, StringComparison.Ordinal);
        Assert.Contains("domain moment c2 already exists", output, StringComparison.Ordinal);
        Assert.Contains("cannot create snapshot while checkpoint exists", output, StringComparison.Ordinal);
        Assert.Contains(" 1    test   running", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteRedefineAndUndefineMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string old = pair.WriteFile("old.xml", """
            <domaincheckpoint>
              <name>old</name>
              <description>kept</description>
              <parent><name>a</name></parent>
              <creationTime>1000000000</creationTime>
              <disks><disk name='vda'/></disks>
            </domaincheckpoint>
            """);
        string withDomain = pair.WriteFile("withdomain.xml", """
            <domaincheckpoint>
              <name>full</name>
              <creationTime>1000000001</creationTime>
              <domain type='test'>
                <name>test</name>
                <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
                <memory unit='KiB'>1048576</memory>
                <vcpu>1</vcpu>
                <os><type>hvm</type></os>
                <devices><disk type='file' device='disk'><source file='/x.img'/><target dev='vdb' bus='virtio'/></disk></devices>
              </domain>
            </domaincheckpoint>
            """);
        string otherUuid = pair.WriteFile("otheruuid.xml", """
            <domaincheckpoint>
              <name>alien</name>
              <creationTime>5</creationTime>
              <domain type='test'><name>test</name><uuid>11111111-2222-3333-4444-555555555555</uuid><memory>1024</memory><os><type>hvm</type></os></domain>
            </domaincheckpoint>
            """);
        string cycle = pair.WriteFile("cycle.xml", "<domaincheckpoint><name>a</name><parent><name>e</name></parent><creationTime>9</creationTime></domaincheckpoint>");
        string self = pair.WriteFile("self.xml", "<domaincheckpoint><name>a</name><parent><name>a</name></parent><creationTime>9</creationTime></domaincheckpoint>");
        string orphan = pair.WriteFile("orphan.xml", "<domaincheckpoint><name>o</name><parent><name>gone</name></parent><creationTime>9</creationTime></domaincheckpoint>");
        string noTime = pair.WriteFile("notime.xml", "<domaincheckpoint><name>t</name></domaincheckpoint>");
        string noName = pair.WriteFile("noname.xml", "<domaincheckpoint><creationTime>9</creationTime></domaincheckpoint>");
        string output = await SameAsync(
            pair,
            "checkpoint-create-as test a; checkpoint-create-as test b; checkpoint-create-as test c; checkpoint-list test --tree; "
            + "checkpoint-delete test b; checkpoint-list test --parent; checkpoint-create-as test d; checkpoint-list test --tree; "
            + "checkpoint-delete test a --children-only; checkpoint-list test --tree; checkpoint-create-as test e; checkpoint-list test --tree; "
            + $"checkpoint-create test {old} --redefine; checkpoint-list test --tree; checkpoint-dumpxml test old; checkpoint-info test old; "
            + $"checkpoint-create test {old} --redefine; checkpoint-create test {withDomain} --redefine; checkpoint-dumpxml test full; "
            + $"checkpoint-create test {otherUuid} --redefine; checkpoint-create test {cycle} --redefine; checkpoint-create test {self} --redefine; "
            + $"checkpoint-create test {orphan} --redefine; checkpoint-create test {noTime} --redefine; checkpoint-create test {noName} --redefine; "
            + $"checkpoint-create test {old} --redefine --redefine-validate; checkpoint-create-as test f; checkpoint-list test --parent --topological; "
            + "checkpoint-delete test a --metadata; checkpoint-list test --tree; checkpoint-delete test e --children; checkpoint-list test --name; "
            + "checkpoint-delete test nosuch; checkpoint-delete test e --children --children-only; "
            + "destroy test; checkpoint-create-as test off; checkpoint-dumpxml test old --size; checkpoint-list test --name; list --all --with-checkpoint; "
            + "start test; undefine test; list --all --with-checkpoint; undefine test --checkpoints-metadata; checkpoint-list test --name; "
            + "destroy test; list --all");
        Assert.Contains("Domain checkpoint b deleted", output, StringComparison.Ordinal);
        Assert.Contains("Domain checkpoint a children deleted", output, StringComparison.Ordinal);
        Assert.Contains("Domain checkpoint old created from '", output, StringComparison.Ordinal);
        Assert.Contains("<disk name='vda' checkpoint='bitmap' bitmap='old'/>", output, StringComparison.Ordinal);
        Assert.Contains("<disk name='vdb' checkpoint='bitmap' bitmap='full'/>", output, StringComparison.Ordinal);
        Assert.Contains("definition for checkpoint alien must use uuid 6695eb01-f6a4-8304-79aa-97f2502e193f", output, StringComparison.Ordinal);
        Assert.Contains("parent e would create cycle to a", output, StringComparison.Ordinal);
        Assert.Contains("cannot set moment a as its own parent", output, StringComparison.Ordinal);
        Assert.Contains("parent gone for moment o not found", output, StringComparison.Ordinal);
        Assert.Contains("missing creationTime from existing checkpoint", output, StringComparison.Ordinal);
        Assert.Contains("a redefined checkpoint must have a name", output, StringComparison.Ordinal);
        Assert.Contains("unsupported flags (0x4) in function testDomainCheckpointCreateXML", output, StringComparison.Ordinal);
        Assert.Contains("cannot create checkpoint for inactive domain", output, StringComparison.Ordinal);
        Assert.Contains("Requested operation is not valid: domain is not running", output, StringComparison.Ordinal);
        Assert.Contains("Domain 'test' has been undefined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadXmlAndDiskChoicesMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string disks = pair.WriteFile("disks.xml", DisksXml);
        string[] bad =
        [
            "<nope/>",
            "<domaincheckpoint><foo/></domaincheckpoint>",
            "<domaincheckpoint><name>x y</name></domaincheckpoint>",
            "<domaincheckpoint><name>a</name><name>b</name></domaincheckpoint>",
            "<domaincheckpoint><disks/></domaincheckpoint>",
            "<domaincheckpoint><disks><disk name='vda' checkpoint='maybe'/></disks></domaincheckpoint>",
            "<domaincheckpoint><disks><disk name='vda' checkpoint='no' bitmap='x'/></disks></domaincheckpoint>",
            "<domaincheckpoint><disks><disk name='vdz'/></disks></domaincheckpoint>",
            "<domaincheckpoint><creationTime>soon</creationTime></domaincheckpoint>",
            "<domaincheckpoint><name>p</name><parent><name>nosuch</name></parent><creationTime>5</creationTime></domaincheckpoint>",
        ];
        var commands = new System.Text.StringBuilder();
        for (int i = 0; i < bad.Length; i++)
        {
            commands.Append($"checkpoint-create test {pair.WriteFile($"bad{i}.xml", bad[i])}; ");
        }

        string[] onDisks =
        [
            "<domaincheckpoint><name>all</name></domaincheckpoint>",
            "<domaincheckpoint><name>one</name><disks><disk name='sdd' bitmap='mine'/></disks></domaincheckpoint>",
            "<domaincheckpoint><name>bypath</name><disks><disk name='/tmp/a.img' checkpoint='bitmap'/><disk name='vdb' checkpoint='no'/></disks></domaincheckpoint>",
            "<domaincheckpoint><name>twice</name><disks><disk name='vda'/><disk name='/tmp/a.img'/></disks></domaincheckpoint>",
            "<domaincheckpoint><name>ro</name><disks><disk name='vdb'/></disks></domaincheckpoint>",
            "<domaincheckpoint><name>empty</name><disks><disk name='hdc' checkpoint='bitmap'/></disks></domaincheckpoint>",
            "<domaincheckpoint><name>many</name><disks><disk name='vda'/><disk name='vdb'/><disk name='hdc'/><disk name='sdd'/><disk name='sde'/></disks></domaincheckpoint>",
        ];
        commands.Append($"create {disks}; ");
        for (int i = 0; i < onDisks.Length; i++)
        {
            commands.Append($"checkpoint-create disks {pair.WriteFile($"disks{i}.xml", onDisks[i])}; ");
        }

        commands.Append("checkpoint-list disks --parent --topological; checkpoint-dumpxml disks all --no-domain; checkpoint-dumpxml disks one --no-domain; ")
            .Append("checkpoint-dumpxml disks bypath --no-domain; checkpoint-dumpxml disks bypath --no-domain --size; list --with-checkpoint --name; ")
            .Append("destroy disks; list --all --name");
        string output = await SameAsync(pair, commands.ToString());
        Assert.Contains("XML error: expecting root element of 'domaincheckpoint', not 'nope'", output, StringComparison.Ordinal);
        Assert.Contains("Element domaincheckpoint has extra content: foo", output, StringComparison.Ordinal);
        Assert.Contains("Extra element name in interleave", output, StringComparison.Ordinal);
        Assert.Contains("Extra element disks in interleave", output, StringComparison.Ordinal);
        Assert.Contains("no disk named 'vdz'", output, StringComparison.Ordinal);
        Assert.Contains("Domain checkpoint p created", output, StringComparison.Ordinal);
        Assert.Contains("<disk name='vda' checkpoint='bitmap' bitmap='all'/>\n    <disk name='vdb' checkpoint='no'/>\n    <disk name='hdc' checkpoint='no'/>\n    <disk name='sdd' checkpoint='bitmap' bitmap='all'/>", output, StringComparison.Ordinal);
        Assert.Contains("<disk name='vda' checkpoint='no'/>\n    <disk name='vdb' checkpoint='no'/>\n    <disk name='hdc' checkpoint='no'/>\n    <disk name='sdd' checkpoint='bitmap' bitmap='mine'/>", output, StringComparison.Ordinal);
        Assert.Contains("disk '/tmp/a.img' specified twice", output, StringComparison.Ordinal);
        Assert.Contains("disk 'vdb' is empty or readonly", output, StringComparison.Ordinal);
        Assert.Contains("disk 'hdc' is empty or readonly", output, StringComparison.Ordinal);
        Assert.Contains("too many disk checkpoint requests for domain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonCheckpointCallsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(PythonScript, Mask);
        Assert.Contains("names ['k1', 'k2', 'k3']", actual, StringComparison.Ordinal);
        Assert.Contains("parent k2 -> k1", actual, StringComparison.Ordinal);
        Assert.Contains("getParent ERR 103 12", actual, StringComparison.Ordinal);
        Assert.Contains("lookup ERR 103 12 Domain checkpoint not found: no domain checkpoint with matching name 'zz'", actual, StringComparison.Ordinal);
        Assert.Contains("children ['k2', 'k3']", actual, StringComparison.Ordinal);
        Assert.Contains("badxml ERR 27 5 XML error: expecting root element of 'domaincheckpoint', not 'nope'", actual, StringComparison.Ordinal);
        Assert.Contains("schema ERR 92 5", actual, StringComparison.Ordinal);
        Assert.Contains("xml flags ERR 8 12 unsupported flags (0x8) in function testDomainCheckpointGetXMLDesc", actual, StringComparison.Ordinal);
        Assert.Contains("after delete ['k1', 'k3'] k1", actual, StringComparison.Ordinal);
        Assert.Contains("redefined True <domaincheckpoint>", actual, StringComparison.Ordinal);
        Assert.Contains("after redefine k3", actual, StringComparison.Ordinal);
        Assert.Contains("after children delete 0", actual, StringComparison.Ordinal);
        Assert.Contains("kept while off ['k9'] ['test']", actual, StringComparison.Ordinal);
        Assert.Contains("undefine flags ERR 8 12 unsupported flags (0x10) in function testDomainUndefineFlags", actual, StringComparison.Ordinal);
        Assert.Contains("undefine 0 []", actual, StringComparison.Ordinal);
        Assert.Contains("exit 0", actual, StringComparison.Ordinal);
    }

    private const string PythonScript = TestDriverPair.PythonPrelude + "\n" + """
        k1 = dom.checkpointCreateXML('<domaincheckpoint><name>k1</name></domaincheckpoint>', 0)
        k2 = dom.checkpointCreateXML('<domaincheckpoint><name>k2</name><description>two</description></domaincheckpoint>', libvirt.VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE)
        k3 = dom.checkpointCreateXML("<domaincheckpoint><name>k3</name><disks><disk name='vda' checkpoint='no'/></disks></domaincheckpoint>", 0)
        print('names', sorted(c.getName() for c in dom.listAllCheckpoints(0)))
        print('roots', [c.getName() for c in dom.listAllCheckpoints(libvirt.VIR_DOMAIN_CHECKPOINT_LIST_ROOTS)])
        print('topo', [c.getName() for c in dom.listAllCheckpoints(libvirt.VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL)])
        print('leaves', [c.getName() for c in dom.listAllCheckpoints(libvirt.VIR_DOMAIN_CHECKPOINT_LIST_LEAVES)])
        print('no leaves', sorted(c.getName() for c in dom.listAllCheckpoints(libvirt.VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES)))
        print('parent k2 ->', dom.checkpointLookupByName('k2', 0).getParent(0).getName())
        err('getParent', lambda: k1.getParent(0))
        print('children', [c.getName() for c in k1.listAllChildren(libvirt.VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS | libvirt.VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL)])
        print('direct', [c.getName() for c in k1.listAllChildren(0)], [c.getName() for c in k3.listAllChildren(0)])
        print('xml', k2.getXMLDesc(0))
        print('xml nodomain', k3.getXMLDesc(libvirt.VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN | libvirt.VIR_DOMAIN_CHECKPOINT_XML_SIZE))
        print('name', k3.getName(), k3.getConnect() is not None, k3.getDomain().name())
        err('lookup', lambda: dom.checkpointLookupByName('zz', 0))
        err('lookup flags', lambda: dom.checkpointLookupByName('k1', 1))
        err('badflags', lambda: dom.checkpointCreateXML('<domaincheckpoint/>', 8))
        err('badxml', lambda: dom.checkpointCreateXML('<nope/>', 0) and 'created')
        err('schema', lambda: dom.checkpointCreateXML('<domaincheckpoint><bogus/></domaincheckpoint>', 0) and 'created')
        err('xml flags', lambda: k1.getXMLDesc(8))
        err('list flags', lambda: dom.listAllCheckpoints(16))
        err('children flags', lambda: k1.listAllChildren(32))
        err('delete flags', lambda: k1.delete(8))
        k2.delete(0)
        print('after delete', sorted(c.getName() for c in dom.listAllCheckpoints(0)), k3.getParent(0).getName())
        err('deleted', lambda: k2.getXMLDesc(0))
        x3 = k3.getXMLDesc(0)
        k3.delete(libvirt.VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY)
        again = dom.checkpointCreateXML(x3, libvirt.VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE).getXMLDesc(0)
        print('redefined', again == x3, again)
        k4 = dom.checkpointCreateXML('<domaincheckpoint><name>k4</name></domaincheckpoint>', 0)
        print('after redefine', k4.getParent(0).getName())
        err('snapshot', lambda: dom.snapshotCreateXML('<domainsnapshot/>', 0) and 'created')
        print('listed', [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT)], [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT)])
        k1.delete(libvirt.VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN)
        print('after children delete', len(dom.listAllCheckpoints(0)))
        s = dom.snapshotCreateXML('<domainsnapshot><name>s</name></domainsnapshot>', 0)
        err('checkpoint with snapshot', lambda: dom.checkpointCreateXML('<domaincheckpoint/>', 0) and 'created')
        s.delete(0)
        dom.checkpointCreateXML('<domaincheckpoint><name>k9</name></domaincheckpoint>', 0)
        dom.destroy()
        err('inactive', lambda: dom.checkpointCreateXML('<domaincheckpoint/>', 0) and 'created')
        err('size inactive', lambda: dom.checkpointLookupByName('k9', 0).getXMLDesc(libvirt.VIR_DOMAIN_CHECKPOINT_XML_SIZE))
        print('kept while off', [c.getName() for c in dom.listAllCheckpoints(0)], [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT)])
        err('undefine flags', lambda: dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA))
        print('undefine', dom.undefine(), [d.name() for d in conn.listAllDomains(0)])
        """;

    private static Task<string> SameAsync(string commands) => TestDriverPair.VirshSameOnFreshPairAsync(commands, Mask);

    private static Task<string> SameAsync(TestDriverPair pair, string commands) => pair.VirshSameAsync(commands, Mask);

    // Checkpoint creation times (and the names and bitmaps defaulted from them) follow the wall clock of each run.
    private static string Mask(string text) => Epoch().Replace(Timestamp().Replace(text, "TIME"), "EPOCH");

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b1[7-9]\d{8}\b")]
    private static partial Regex Epoch();
}
