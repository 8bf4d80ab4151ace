using LibvirtRemote.Protocol;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>The object model over a Unix socket.</summary>
public sealed class ObjectModelOverUnixTests : ObjectModelTests
{
    protected override string Uri(PrivateLibvirtd daemon) => $"test+unix:///default?socket={daemon.SocketPath}";
}

/// <summary>The object model over TCP.</summary>
public sealed class ObjectModelOverTcpTests : ObjectModelTests
{
    protected override string Uri(PrivateLibvirtd daemon) => $"test+tcp://127.0.0.1:{daemon.TcpPort}/default";
}

/// <summary>The object model against libvirtd 9.0.0's test driver: each object kind through its lifecycle.</summary>
public abstract class ObjectModelTests : IAsyncLifetime
{
    private const string DomainXml = """
        <domain type='test'>
          <name>lvr-demo</name>
          <memory unit='KiB'>65536</memory>
          <vcpu>1</vcpu>
          <os><type arch='i686'>hvm</type></os>
        </domain>
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private PrivateLibvirtd _daemon = null!;
    private LibvirtConnection _connection = null!;

    public async Task InitializeAsync()
    {
        _daemon = await (PrivateLibvirtd.StartAsync()).Within();
        _connection = await LibvirtConnection.OpenAsync(Uri(_daemon)).WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync().AsTask().Within();
        await _daemon.DisposeAsync().AsTask().Within();
    }

    protected abstract string Uri(PrivateLibvirtd daemon);

    [Fact]
    public async Task DomainGoesThroughItsLifecycle()
    {
        Domain domain = await _connection.DefineDomainXmlAsync(DomainXml).WaitAsync(Timeout);
        Assert.Equal("lvr-demo", domain.Name);
        Assert.NotEqual(Guid.Empty, domain.Uuid);
        Assert.Equal(DomainState.Shutoff, (await (domain.GetStateAsync()).Within()).State);

        await (domain.CreateAsync()).Within();
        Assert.Equal(DomainState.Running, (await (domain.GetInfoAsync()).Within()).State);
        await (domain.SuspendAsync()).Within();
        Assert.Equal(DomainState.Paused, (await (domain.GetStateAsync()).Within()).State);
        await (domain.ResumeAsync()).Within();
        Assert.Equal(DomainState.Running, (await (domain.GetStateAsync()).Within()).State);
        await (domain.ShutdownAsync()).Within();
        Assert.Equal(DomainState.Shutoff, (await (domain.GetStateAsync()).Within()).State);
        await (domain.CreateAsync()).Within();
        await (domain.DestroyAsync()).Within();
        Assert.Equal(DomainState.Shutoff, (await (domain.GetStateAsync()).Within()).State);

        Domain byUuid = await (_connection.LookupDomainByUuidAsync(domain.Uuid)).Within();
        Assert.Equal("lvr-demo", byUuid.Name);
        Assert.Contains("<name>lvr-demo</name>", await (domain.GetXmlDescAsync()).Within(), StringComparison.Ordinal);

        await (domain.UndefineAsync()).Within();
        LibvirtException gone = await (Assert.ThrowsAsync<LibvirtException>(() => _connection.LookupDomainByNameAsync("lvr-demo")).Within());
        Assert.Equal(ErrorCode.NoDomain, gone.Code);
    }

    [Fact]
    public async Task TypedParametersAreReadAndWritten()
    {
        Domain test = await _connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        Assert.Equal(1, (await (_connection.LookupDomainByIdAsync(test.Id)).Within()).Id);

        TypedParameter weight = Assert.Single(await (test.GetSchedulerParametersAsync()).Within());
        Assert.Equal("weight", weight.Name);
        Assert.Equal(TypedParameterType.UInt, weight.Type);
        // libvirtd's test driver validates scheduler settings but keeps its fixed weight of 50 (virsh shows the same).
        await (test.SetSchedulerParametersAsync([new TypedParameter("weight", 77u)])).Within();
        Assert.Equal(50u, Assert.Single(await (test.GetSchedulerParametersAsync()).Within()).Value);
        LibvirtException badType = await Assert.ThrowsAsync<LibvirtException>(() => test.SetSchedulerParametersAsync([new TypedParameter("weight", "heavy")])).Within();
        Assert.Equal(ErrorCode.InvalidArg, badType.Code);

        IReadOnlyList<TypedParameter> memory = await (test.GetMemoryParametersAsync()).Within();
        Assert.NotEmpty(memory);
        TypedParameter hardLimit = Assert.Single(memory, p => p.Name == "hard_limit");
        await (test.SetMemoryParametersAsync([new TypedParameter("hard_limit", 2_097_152UL)])).Within();
        Assert.Equal(2_097_152UL, Assert.Single(await (test.GetMemoryParametersAsync()).Within(), p => p.Name == hardLimit.Name).Value);

        IReadOnlyList<TypedParameter> blkio = await (test.GetBlkioParametersAsync()).Within();
        Assert.Contains(blkio, p => p.Name == "weight");
        await (test.SetBlkioParametersAsync([new TypedParameter("weight", 321u)])).Within();
        Assert.Equal(321u, Assert.Single(await (test.GetBlkioParametersAsync()).Within(), p => p.Name == "weight").Value);
    }

    [Fact]
    public async Task SnapshotsAreCreatedListedAndDeleted()
    {
        Domain test = await _connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        DomainSnapshot snapshot = await (test.CreateSnapshotAsync("<domainsnapshot><name>snap1</name></domainsnapshot>")).Within();
        Assert.Equal("snap1", snapshot.Name);
        Assert.Equal("test", snapshot.DomainName);
        Assert.Contains(await (test.ListAllSnapshotsAsync()).Within(), s => s.Name == "snap1");
        DomainSnapshot found = await test.LookupSnapshotByNameAsync("snap1").Within();
        Assert.Contains("<name>snap1</name>", await found.GetXmlDescAsync().Within(), StringComparison.Ordinal);
        await (snapshot.DeleteAsync()).Within();
        Assert.DoesNotContain(await (test.ListAllSnapshotsAsync()).Within(), s => s.Name == "snap1");
    }

    [Fact]
    public async Task NetworksPoolsAndVolumes()
    {
        Assert.Contains(await _connection.ListAllNetworksAsync().WaitAsync(Timeout), n => n.Name == "default");
        Network network = await (_connection.DefineNetworkXmlAsync("<network><name>lvr-net</name><bridge name='lvrbr0'/></network>")).Within();
        Assert.False(await (network.IsActiveAsync()).Within());
        await (network.CreateAsync()).Within();
        Assert.True(await (network.IsActiveAsync()).Within());
        Assert.Contains("lvr-net", await (network.GetXmlDescAsync()).Within(), StringComparison.Ordinal);
        await (network.DestroyAsync()).Within();
        await (network.UndefineAsync()).Within();
        Assert.DoesNotContain(await (_connection.ListAllNetworksAsync()).Within(), n => n.Name == "lvr-net");

        StoragePool pool = await (_connection.LookupStoragePoolByNameAsync("default-pool")).Within();
        Assert.Equal(2, (await (pool.GetInfoAsync()).Within()).State);
        StorageVolume volume = await (pool.CreateVolumeAsync("<volume><name>lvr.img</name><capacity unit='bytes'>1048576</capacity></volume>")).Within();
        Assert.Equal("lvr.img", volume.Name);
        Assert.Equal(1_048_576UL, (await (volume.GetInfoAsync()).Within()).Capacity);
        Assert.EndsWith("lvr.img", await (volume.GetPathAsync()).Within(), StringComparison.Ordinal);
        Assert.Contains(await (pool.ListAllVolumesAsync()).Within(), v => v.Name == "lvr.img");
        await (volume.DeleteAsync()).Within();
        Assert.DoesNotContain(await (pool.ListAllVolumesAsync()).Within(), v => v.Name == "lvr.img");
    }

    [Fact]
    public async Task HostInformation()
    {
        Assert.Equal("TEST", await _connection.GetTypeAsync().WaitAsync(Timeout));
        Assert.Equal("test:///default", await (_connection.GetUriAsync()).Within());
        Assert.Contains("<capabilities>", await (_connection.GetCapabilitiesAsync()).Within(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(await (_connection.GetHostnameAsync()).Within()));
        Assert.Equal(16, (await (_connection.GetNodeInfoAsync()).Within()).Cpus);
        Assert.NotEmpty(await (_connection.ListAllInterfacesAsync()).Within());
        Assert.NotEmpty(await (_connection.ListAllNodeDevicesAsync()).Within());
    }
}
