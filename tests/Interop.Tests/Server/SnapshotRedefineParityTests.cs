using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// snapshot-create --redefine (virDomainSnapshotCreateXML with REDEFINE) against libvirtd 9.0.0's test driver: the
/// checks on the redefined snapshot's parent, captured domain and disks, and how redefinitions land in the tree.
/// Every snapshot here carries a fixed creation time, so outputs are compared unmasked.
/// </summary>
public sealed class SnapshotRedefineParityTests
{
    private const string Domain = """
        <domain type='test'>
          <name>test</name>
          <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
          <memory unit='KiB'>8388608</memory>
          <vcpu>2</vcpu>
          <os><type arch='i686'>hvm</type></os>
          <devices>
            <disk type='file' device='disk'>
              <source file='/guest/diskimage1'/>
              <target dev='vda' bus='virtio'/>
            </disk>
          </devices>
        </domain>
        """;

    // Name, then the XML between <creationTime> and the captured domain; a null domain leaves it out.
    private static readonly (string File, string Name, string State, string Parent, string Middle, string? Domain)[] Cases =
    [
        ("unknown-disk", "d1", "running", "", "<disks><disk name='vdz'/></disks>", Domain),
        ("twice", "d2", "running", "", "<disks><disk name='vda'/><disk name='vda'/></disks>", Domain),
        ("external-no-file", "d3", "running", "", "<disks><disk name='vda' snapshot='external'/></disks>", Domain),
        ("mode-no", "d4", "running", "", "<disks><disk name='vda' snapshot='no'/></disks>", Domain),
        ("mode-manual", "d5", "running", "", "<disks><disk name='vda' snapshot='manual'/></disks>", Domain),
        ("external-file", "d6", "running", "", "<disks><disk name='vda'><source file='/tmp/x.img'/></disk></disks>", Domain),
        ("by-path", "d7", "running", "", "<disks><disk name='/guest/diskimage1' snapshot='internal'/></disks>", Domain),
        ("file-internal", "d8", "running", "", "<disks><disk name='vda' snapshot='internal'><source file='/tmp/y'/></disk></disks>", Domain),
        ("disk-state", "d9", "disk-snapshot", "", "<disks><disk name='vda'/></disks>", Domain),
        ("too-many", "d10", "running", "", "<disks><disk name='vda'/><disk name='vdb'/></disks>", Domain),
        ("no-domain", "d11", "running", "", "", null),
        ("other-uuid", "u1", "running", "", "", Domain.Replace("6695eb01-f6a4-8304-79aa-97f2502e193f", "11111111-2222-3333-4444-555555555555", StringComparison.Ordinal)),
        ("bad-type", "u2", "running", "", "", Domain.Replace("type='test'", "type='kvmx'", StringComparison.Ordinal)),
        ("own-parent", "p0", "running", "p0", "", Domain),
        ("lost-parent", "p1", "running", "nosuch", "", Domain),
        ("a", "a", "running", "", "", Domain),
        ("b", "b", "running", "a", "", Domain),
        ("c", "c", "paused", "b", "<memory snapshot='internal'/>", Domain),
        ("c1", "c1", "paused", "b", "<memory snapshot='external' file='/tmp/mem'/>", Domain),
        ("c2", "c2", "running", "b", "<memory snapshot='no'/><disks><disk name='vda' snapshot='external'/></disks>", Domain),
        ("x", "x", "shutoff", "a", "", Domain),
        ("cycle", "a", "running", "c", "", Domain),
        ("a-offline", "a", "shutoff", "", "", Domain),
        ("a-disk", "a", "disk-snapshot", "", "", Domain),
        ("a-paused", "a", "paused", "", "<description>again</description>", Domain),
        ("b-bare", "b", "running", "a", "<description>kept domain</description>", null),
        ("x-moved", "x", "shutoff", "b", "", Domain),
    ];

    [Fact]
    public async Task RedefineChecksMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        var commands = new List<string>();
        foreach ((string file, string name, string state, string parent, string middle, string? domain) in Cases)
        {
            string parentXml = parent.Length > 0 ? $"<parent><name>{parent}</name></parent>" : string.Empty;
            string path = pair.WriteFile(file + ".xml", $"<domainsnapshot><name>{name}</name><state>{state}</state>{parentXml}<creationTime>100</creationTime>{middle}{domain}</domainsnapshot>");
            commands.Add($"snapshot-create test {path} --redefine");
        }

        commands.Add("snapshot-list test --tree; snapshot-list test --parent; snapshot-current test --name");
        commands.Add($"snapshot-create test {Path.Combine(pair.Directory, "x-moved.xml")} --redefine --current");
        commands.Add("snapshot-current test --name; snapshot-list test --tree; snapshot-list test --topological --name");
        commands.Add("snapshot-dumpxml test a; snapshot-dumpxml test b; snapshot-dumpxml test c; snapshot-dumpxml test c2; snapshot-dumpxml test d4; snapshot-dumpxml test d7");
        string output = await pair.VirshSameAsync(string.Join("; ", commands));

        Assert.Contains("error: unsupported configuration: no disk named 'vdz'", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: disk 'vda' must use snapshot mode 'internal'", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: file '/tmp/y' for disk 'vda' requires use of external snapshot mode", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: too many disk snapshot requests for domain", output, StringComparison.Ordinal);
        Assert.Contains("error: internal error: missing domain in snapshot", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: definition for snapshot u1 must use uuid 6695eb01-f6a4-8304-79aa-97f2502e193f", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: invalid domain type kvmx", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: cannot set moment p0 as its own parent", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: parent b would create cycle to a", output, StringComparison.Ordinal);
        Assert.Contains("error: invalid argument: cannot change between online and offline snapshot state in snapshot a", output, StringComparison.Ordinal);
        Assert.Contains("Domain snapshot d7 created from", output, StringComparison.Ordinal);
        Assert.Contains("error: unsupported configuration: source for disk 'vda' is not a regular file; refusing to generate external snapshot name", output, StringComparison.Ordinal);
        Assert.Contains("<description>kept domain</description>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonRedefineErrorsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(TestDriverPair.PythonPrelude + "\n" + """
            R = libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE
            dxml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
            def snap(name, state='running', extra='', d=dxml):
                return '<domainsnapshot><name>%s</name><state>%s</state><creationTime>5</creationTime>%s%s</domainsnapshot>' % (name, state, extra, d)
            err('plain', lambda: dom.snapshotCreateXML(snap('s1'), R).getName())
            err('child', lambda: dom.snapshotCreateXML(snap('s2', extra='<parent><name>s1</name></parent>'), R).getName())
            err('cycle', lambda: dom.snapshotCreateXML(snap('s1', extra='<parent><name>s2</name></parent>'), R).getName())
            err('nodomain', lambda: dom.snapshotCreateXML(snap('s3', d=''), R).getName())
            err('disk', lambda: dom.snapshotCreateXML(snap('s4', extra="<disks><disk name='hdq'/></disks>"), R).getName())
            err('disk-only flag', lambda: dom.snapshotCreateXML(snap('s5', state='disk-snapshot'), R | libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY).getName())
            err('online', lambda: dom.snapshotCreateXML(snap('s1', state='shutoff'), R).getName())
            err('current', lambda: dom.snapshotCreateXML(snap('s2', d=''), R | libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT).getName())
            print('current', dom.snapshotCurrent(0).getName(), dom.snapshotLookupByName('s1', 0).listChildrenNames(0))
            print('xml', dom.snapshotLookupByName('s2', 0).getXMLDesc(0))
            """);
        Assert.Contains("cycle ERR 8 20 invalid argument: parent s2 would create cycle to s1", actual, StringComparison.Ordinal);
        Assert.Contains("nodomain ERR 1 35 internal error: missing domain in snapshot", actual, StringComparison.Ordinal);
        Assert.Contains("disk ERR 67 35 unsupported configuration: no disk named 'hdq'", actual, StringComparison.Ordinal);
        Assert.Contains("online ERR 8 35 invalid argument: cannot change between online and offline snapshot state in snapshot s1", actual, StringComparison.Ordinal);
        Assert.Contains("current s2 []", actual, StringComparison.Ordinal);
    }
}
