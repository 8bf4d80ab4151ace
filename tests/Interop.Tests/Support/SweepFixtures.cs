using System.Diagnostics.CodeAnalysis;
using LibvirtRemote.Client;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// The objects the procedure sweep passes as arguments: the test driver's own (domain "test", network "default",
/// pool "default-pool", interface "eth1", node device "scsi_host1") plus a volume, a snapshot and a checkpoint the
/// sweep creates first. Objects the test driver has no driver for (secrets, network filters, network ports) are
/// made up; the calls on them fail the same way on either server.
/// </summary>
internal sealed class SweepFixtures
{
    public const string VolumeName = "sweep.img";
    public const string SnapshotName = "sweep-snap";
    public const string CheckpointName = "sweep-cp";
    public const string CheckpointDomainName = "sweep-cp-domain";
    public const uint IothreadId = 5;

    private SweepFixtures(string scratch) => Scratch = scratch;

    public string Scratch { get; }

    public NonnullDomain Domain { get; private set; }

    /// <summary>The domain that holds <see cref="Checkpoint"/>.</summary>
    public NonnullDomain CheckpointDomain { get; private set; }

    public NonnullNetwork Network { get; private set; }

    public NonnullStoragePool Pool { get; private set; }

    public NonnullStorageVol Volume { get; private set; }

    public NonnullInterface Interface { get; private set; }

    public NonnullNodeDevice NodeDevice { get; private set; }

    public NonnullDomainSnapshot Snapshot { get; private set; }

    public NonnullDomainCheckpoint Checkpoint { get; private set; }

    public NonnullSecret Secret { get; } = new() { Uuid = new Guid("5a2c7d3e-1111-4222-8333-944455556666").ToByteArray(bigEndian: true), UsageType = 1, UsageID = "/default-pool/sweep.img" };

    public NonnullNwfilter Nwfilter { get; } = new() { Name = "sweep-filter", Uuid = new Guid("5a2c7d3e-2222-4222-8333-944455556666").ToByteArray(bigEndian: true) };

    public NonnullNwfilterBinding NwfilterBinding { get; } = new() { Portdev = "vnet0", Filtername = "sweep-filter" };

    public NonnullNetworkPort NetworkPort => new() { Net = Network, Uuid = new Guid("5a2c7d3e-3333-4222-8333-944455556666").ToByteArray(bigEndian: true) };

    /// <summary>
    /// Looks the test driver's objects up and creates the sweep's own. On a read-only connection the creations are
    /// refused; the sweep then passes made-up handles for them, which the servers report as not found.
    /// </summary>
    public static async Task<SweepFixtures> CreateAsync(RemoteCalls remote, string scratch, bool readOnly = false)
    {
        var fixtures = new SweepFixtures(scratch);
        await fixtures.RefreshAsync(remote);
        if (!readOnly)
        {
            await remote.StorageVolCreateXmlAsync(new StorageVolCreateXmlArgs
            {
                Pool = fixtures.Pool,
                Xml = $"<volume><name>{VolumeName}</name><capacity>1048576</capacity></volume>",
            });
            // An IOThread for the calls that read, pin and tune one (the test domain has none of its own); added before
            // the snapshot, so that the sweep's revert to that snapshot keeps it.
            await remote.DomainAddIothreadAsync(new DomainAddIothreadArgs { Dom = fixtures.Domain, IothreadId = IothreadId });
            await remote.DomainSnapshotCreateXmlAsync(new DomainSnapshotCreateXmlArgs
            {
                Dom = fixtures.Domain,
                XmlDesc = $"<domainsnapshot><name>{SnapshotName}</name></domainsnapshot>",
            });

            // The test driver refuses a checkpoint on a domain with snapshots, so the checkpoint gets a domain of its own.
            NonnullDomain checkpointed = (await remote.DomainCreateXmlAsync(new DomainCreateXmlArgs
            {
                XmlDesc = $"<domain type='test'><name>{CheckpointDomainName}</name><memory>1048576</memory><os><type>hvm</type></os>"
                    + "<devices><disk type='file' device='disk'><source file='/guest/sweep-cp.img'/><target dev='vda' bus='virtio'/></disk></devices></domain>",
            })).Dom;
            await remote.DomainCheckpointCreateXmlAsync(new DomainCheckpointCreateXmlArgs
            {
                Dom = checkpointed,
                XmlDesc = $"<domaincheckpoint><name>{CheckpointName}</name></domaincheckpoint>",
            });
        }
        else
        {
            fixtures.Volume = new NonnullStorageVol { Pool = "default-pool", Name = VolumeName, Key = "/default-pool/" + VolumeName };
            fixtures.CheckpointDomain = new NonnullDomain { Name = CheckpointDomainName, Uuid = new byte[16], Id = -1 };
            fixtures.Snapshot = new NonnullDomainSnapshot { Dom = fixtures.Domain, Name = SnapshotName };
            fixtures.Checkpoint = new NonnullDomainCheckpoint { Dom = fixtures.CheckpointDomain, Name = CheckpointName };
        }

        await fixtures.RefreshAsync(remote);
        return fixtures;
    }

    /// <summary>Looks the objects up again (a domain's ID changes when it stops); keeps the old value of one that is gone.</summary>
    public async Task RefreshAsync(RemoteCalls remote)
    {
        Domain = await Try(async () => (await remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = "test" })).Dom, Domain);
        CheckpointDomain = await Try(async () => (await remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = CheckpointDomainName })).Dom, CheckpointDomain);
        Network = await Try(async () => (await remote.NetworkLookupByNameAsync(new NetworkLookupByNameArgs { Name = "default" })).Net, Network);
        Pool = await Try(async () => (await remote.StoragePoolLookupByNameAsync(new StoragePoolLookupByNameArgs { Name = "default-pool" })).Pool, Pool);
        Volume = await Try(async () => (await remote.StorageVolLookupByNameAsync(new StorageVolLookupByNameArgs { Pool = Pool, Name = VolumeName })).Vol, Volume);
        Interface = await Try(async () => (await remote.InterfaceLookupByNameAsync(new InterfaceLookupByNameArgs { Name = "eth1" })).Iface, Interface);
        NodeDevice = await Try(async () => (await remote.NodeDeviceLookupByNameAsync(new NodeDeviceLookupByNameArgs { Name = "scsi_host1" })).Dev, NodeDevice);
        Snapshot = await Try(async () => (await remote.DomainSnapshotLookupByNameAsync(new DomainSnapshotLookupByNameArgs { Dom = Domain, Name = SnapshotName })).Snap, Snapshot);
        Checkpoint = await Try(async () => (await remote.DomainCheckpointLookupByNameAsync(new DomainCheckpointLookupByNameArgs { Dom = CheckpointDomain, Name = CheckpointName })).Checkpoint, Checkpoint);
        await RefreshSparesAsync(remote);
    }

    /// <summary>Domains the sweep defines or starts itself, by name, once they exist.</summary>
    public Dictionary<string, NonnullDomain> Domains { get; } = new(StringComparer.Ordinal);

    /// <summary>A network the sweep defines (inactive): the one it starts, stops and undefines at the end.</summary>
    public NonnullNetwork? SpareNetwork { get; private set; }

    /// <summary>A pool the sweep defines (inactive): the one it builds, starts, stops, deletes and undefines.</summary>
    public NonnullStoragePool? SparePool { get; private set; }

    /// <summary>An interface the sweep defines: the one it starts, stops and undefines.</summary>
    public NonnullInterface? SpareInterface { get; private set; }

    /// <summary>The vHBA the sweep creates on scsi_host1, the node device it destroys.</summary>
    public NonnullNodeDevice? Vhba { get; private set; }

    /// <summary>Callback IDs the event registrations returned, by registering procedure.</summary>
    public Dictionary<string, int> CallbackIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Keeps what later calls need from a reply (callback IDs).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Test code; the generated reply structs are not trimmed.")]
    public void Remember(string procedure, object? reply)
    {
        if (reply?.GetType().GetField("CallbackID") is { } field && field.GetValue(reply) is int id)
        {
            CallbackIds[procedure] = id;
        }

        if (reply is NodeDeviceCreateXmlRet created)
        {
            // The test driver names a new vHBA itself, and has no lookup by WWN.
            Vhba = created.Dev;
        }
    }

    private async Task RefreshSparesAsync(RemoteCalls remote)
    {
        foreach (string name in SpareDomainNames)
        {
            try
            {
                Domains[name] = (await remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = name }).AsTask().WaitAsync(TimeSpan.FromSeconds(20))).Dom;
            }
            catch (LibvirtException)
            {
            }
        }

        SpareNetwork = await Try<NonnullNetwork?>(async () => (await remote.NetworkLookupByNameAsync(new NetworkLookupByNameArgs { Name = "sweep-net-define" })).Net, SpareNetwork);
        SparePool = await Try<NonnullStoragePool?>(async () => (await remote.StoragePoolLookupByNameAsync(new StoragePoolLookupByNameArgs { Name = "sweep-pool-define" })).Pool, SparePool);
        SpareInterface = await Try<NonnullInterface?>(async () => (await remote.InterfaceLookupByNameAsync(new InterfaceLookupByNameArgs { Name = "sweep-if" })).Iface, SpareInterface);
    }

    private static readonly string[] SpareDomainNames = ["sweep-define", "sweep-define-flags", "sweep-renamed", "sweep-create"];

    private static async Task<T> Try<T>(Func<Task<T>> lookup, T previous)
    {
        try
        {
            return await lookup().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (LibvirtException)
        {
            return previous;
        }
    }
}
