using System.Text.RegularExpressions;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Listing order of many snapshots and checkpoints against libvirtd 9.0.0. libvirt keeps them in a GHashTable whose
/// string hash is seeded at random once per daemon process (virhash.c), so an unordered listing
/// (virDomainListAllSnapshots without TOPOLOGICAL, snapshotListNames) has no order to reproduce: the same creates give
/// different orders in two libvirtd processes. virsh sorts every listing by name except --tree and --topological,
/// which walk the parent/child links and are deterministic; those are compared exactly, the unordered ones as sets.
/// </summary>
public sealed partial class SnapshotOrderParityTests
{
    // Assorted names: numbers that sort differently as text, mixed case, punctuation. No two differ only in case:
    // virsh sorts ignoring case, and a tie keeps the daemon's order, which in libvirtd is random per process.
    private static readonly string[] Names =
        [.. Enumerable.Range(1, 30).Select(i => $"s{i}"), "Alpha", "alpine", "zeta", "m-1", "m_2", "m.3", "10", "9", "a b", "Ω"];

    [Fact]
    public async Task ManySnapshotsListLikeLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        var commands = new List<string>();
        for (int i = 0; i < Names.Length; i++)
        {
            commands.Add($"snapshot-create-as test '{Names[i]}'");

            // Branch now and then so the tree is more than a chain.
            if (i % 7 == 6)
            {
                commands.Add($"snapshot-current test '{Names[i - 4]}'");
            }
        }

        commands.Add("snapshot-delete test s5; snapshot-delete test s12 --children; snapshot-delete test s20 --children-only; snapshot-delete test zeta");
        string redefine = pair.WriteFile("s3.xml", """
            <domainsnapshot><name>s3</name><state>running</state><parent><name>s30</name></parent><creationTime>100</creationTime></domainsnapshot>
            """);
        commands.Add($"snapshot-create test {redefine} --redefine; snapshot-create-as test zeta; snapshot-create-as test s5");
        foreach (string listing in new[] { string.Empty, "--name", "--tree", "--topological", "--parent", "--roots", "--leaves", "--no-leaves", "--topological --name", "--parent --topological", "--from s2", "--from s2 --descendants", "--from s2 --descendants --topological --name", "--from s1 --tree" })
        {
            commands.Add("snapshot-list test " + listing);
        }

        commands.Add("snapshot-info test s2; snapshot-info test s30");
        string output = await pair.VirshSameAsync(string.Join("; ", commands), MaskTime);
        Assert.Contains(" s3     TIME", output.Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Domain snapshot s12 deleted", output, StringComparison.Ordinal);
        Assert.Contains("Domain snapshot s20 children deleted", output, StringComparison.Ordinal);
        Assert.Contains("+- s3", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonListingsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string actual = await pair.PythonSameAsync(TestDriverPair.PythonPrelude + "\n" + $$"""
            L = libvirt
            names = {{PythonList(Names)}}
            for i, n in enumerate(names):
                dom.snapshotCreateXML('<domainsnapshot><name>%s</name></domainsnapshot>' % n, 0)
                if i % 5 == 4:
                    dom.revertToSnapshot(dom.snapshotLookupByName(names[i - 3], 0), 0)
            dom.snapshotLookupByName('s8', 0).delete(0)
            dom.snapshotLookupByName('s14', 0).delete(L.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN)
            topo = L.VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL
            print('all', sorted(s.getName() for s in dom.listAllSnapshots(0)))
            print('names', sorted(dom.snapshotListNames(0)), dom.snapshotNum(0))
            print('topological', [s.getName() for s in dom.listAllSnapshots(topo)])
            print('topological names', dom.snapshotListNames(topo))
            print('roots', [s.getName() for s in dom.listAllSnapshots(L.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS)])
            for n in ('s1', 's2', 's5', 's9'):
                s = dom.snapshotLookupByName(n, 0)
                print(n, 'children', [c.getName() for c in s.listAllChildren(0)], s.listChildrenNames(0))
                print(n, 'descendants', [c.getName() for c in s.listAllChildren(L.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS)])
                print(n, 'descendants topological', s.listChildrenNames(L.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS | topo))
            print('leaves', sorted(dom.snapshotListNames(L.VIR_DOMAIN_SNAPSHOT_LIST_LEAVES)))
            """);
        Assert.Contains("topological ['s1', ", actual, StringComparison.Ordinal);
        Assert.Contains("s2 children ['s", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyCheckpointsListLikeLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        var commands = new List<string>();
        foreach (string name in Names.Take(25))
        {
            commands.Add($"checkpoint-create-as test '{name}'");
        }

        commands.Add("checkpoint-delete test s7; checkpoint-delete test s10 --children; checkpoint-delete test s3 --children-only; checkpoint-create-as test s7");
        foreach (string listing in new[] { string.Empty, "--name", "--tree", "--topological", "--parent", "--roots", "--leaves", "--no-leaves", "--topological --name", "--from s2", "--from s2 --descendants", "--from s1 --tree" })
        {
            commands.Add("checkpoint-list test " + listing);
        }

        string output = await pair.VirshSameAsync(string.Join("; ", commands), MaskTime);
        Assert.Contains("Domain checkpoint s25 created", output, StringComparison.Ordinal);
        Assert.Contains("+- s7", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The fact the class rests on: two libvirtd processes list the same snapshots, created the same way, in different
    /// orders (each seeds its hash at random), while one process repeats its order. Forty names make two random seeds
    /// giving the same order vanishingly unlikely.
    /// </summary>
    [Fact]
    public async Task LibvirtdUnorderedListingDependsOnTheProcess()
    {
        string script = TestDriverPair.PythonPrelude + "\n" + $$"""
            for n in {{PythonList(Names)}}:
                dom.snapshotCreateXML('<domainsnapshot><name>%s</name></domainsnapshot>' % n, 0)
            print(dom.snapshotListNames(0))
            print([s.getName() for s in dom.listAllSnapshots(0)])
            """;
        var orders = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            await using PrivateLibvirtd libvirtd = await PrivateLibvirtd.StartAsync().Within();
            string uri = $"test+unix:///default?socket={libvirtd.SocketPath}";
            string[] lines = (await ExternalProcess.PythonAsync(script, uri).Within()).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lines[0], lines[1]);
            orders.Add(lines[0]);
        }

        Assert.NotEqual(orders[0], orders[1]);
    }

    private static string PythonList(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => $"'{n}'")) + "]";

    // Creation times follow each run's clock.
    private static string MaskTime(string text) => Timestamp().Replace(text, "TIME");

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}")]
    private static partial Regex Timestamp();
}
