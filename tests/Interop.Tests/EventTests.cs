using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>Event subscriptions against a real libvirtd 9.0.0 (test driver, private node file per connection).</summary>
public sealed class EventTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task DomainLifecycleEventsArriveInOrder()
    {
        await using LibvirtConnection connection = await OpenPrivateAsync(_daemon);
        var registered = new TaskCompletionSource<int>();
        await using IAsyncEnumerator<DomainLifecycleEvent> events = connection.Events.DomainLifecycleAsync(options: new() { Registered = registered.SetResult }).GetAsyncEnumerator();
        Task<bool> first = events.MoveNextAsync().AsTask();
        await registered.Task.WaitAsync(Timeout);

        NonnullDomain dom = (await Call<DomainDefineXmlArgs, DomainDefineXmlRet>(connection, Procedure.DomainDefineXml, new() { Xml = DomainXml("ev1") })).Dom;
        await Call<DomainCreateArgs, XdrVoid>(connection, Procedure.DomainCreate, new() { Dom = dom });
        await Call<DomainSuspendArgs, XdrVoid>(connection, Procedure.DomainSuspend, new() { Dom = dom });
        await Call<DomainResumeArgs, XdrVoid>(connection, Procedure.DomainResume, new() { Dom = dom });
        await Call<DomainDestroyArgs, XdrVoid>(connection, Procedure.DomainDestroy, new() { Dom = dom });
        await Call<DomainUndefineArgs, XdrVoid>(connection, Procedure.DomainUndefine, new() { Dom = dom });

        List<DomainLifecycleEvent> got = await TakeAsync(events, first, 6);
        Assert.Equal([(0, 0), (2, 0), (3, 0), (4, 0), (5, 1), (1, 0)], got.Select(e => (e.Event, e.Detail)));
        Assert.All(got, e => Assert.Equal("ev1", e.Domain.Name));
    }

    [Fact]
    public async Task NetworkAndStoragePoolEventsArrive()
    {
        await using LibvirtConnection connection = await OpenPrivateAsync(_daemon);
        var networkRegistered = new TaskCompletionSource<int>();
        var poolRegistered = new TaskCompletionSource<int>();
        var refreshRegistered = new TaskCompletionSource<int>();
        await using IAsyncEnumerator<NetworkEvent> networks = connection.Events.NetworkEventsAsync(options: new() { Registered = networkRegistered.SetResult }).GetAsyncEnumerator();
        await using IAsyncEnumerator<StoragePoolEvent> pools = connection.Events.StoragePoolEventsAsync(options: new() { Registered = poolRegistered.SetResult }).GetAsyncEnumerator();
        await using IAsyncEnumerator<StoragePoolEvent> refreshes = connection.Events.StoragePoolEventsAsync(StoragePoolEventId.Refresh, options: new() { Registered = refreshRegistered.SetResult }).GetAsyncEnumerator();
        Task<bool> firstNetwork = networks.MoveNextAsync().AsTask();
        Task<bool> firstPool = pools.MoveNextAsync().AsTask();
        Task<bool> firstRefresh = refreshes.MoveNextAsync().AsTask();
        await Task.WhenAll(networkRegistered.Task, poolRegistered.Task, refreshRegistered.Task).WaitAsync(Timeout);

        NonnullNetwork net = (await Call<NetworkDefineXmlArgs, NetworkDefineXmlRet>(connection, Procedure.NetworkDefineXml, new()
        {
            Xml = "<network><name>evnet</name><bridge name='virbr-ev'/><ip address='192.168.150.1' netmask='255.255.255.0'/></network>",
        })).Net;
        await Call<NetworkCreateArgs, XdrVoid>(connection, Procedure.NetworkCreate, new() { Net = net });
        await Call<NetworkDestroyArgs, XdrVoid>(connection, Procedure.NetworkDestroy, new() { Net = net });
        await Call<NetworkUndefineArgs, XdrVoid>(connection, Procedure.NetworkUndefine, new() { Net = net });

        string poolPath = Path.Combine(_daemon.Directory, "evpool");
        Directory.CreateDirectory(poolPath);
        NonnullStoragePool pool = (await Call<StoragePoolDefineXmlArgs, StoragePoolDefineXmlRet>(connection, Procedure.StoragePoolDefineXml, new()
        {
            Xml = $"<pool type='dir'><name>evpool</name><target><path>{poolPath}</path></target></pool>",
        })).Pool;
        await Call<StoragePoolCreateArgs, XdrVoid>(connection, Procedure.StoragePoolCreate, new() { Pool = pool });
        await Call<StoragePoolRefreshArgs, XdrVoid>(connection, Procedure.StoragePoolRefresh, new() { Pool = pool });
        await Call<StoragePoolDestroyArgs, XdrVoid>(connection, Procedure.StoragePoolDestroy, new() { Pool = pool });
        await Call<StoragePoolUndefineArgs, XdrVoid>(connection, Procedure.StoragePoolUndefine, new() { Pool = pool });

        List<NetworkEvent> networkEvents = await TakeAsync(networks, firstNetwork, 4);
        Assert.Equal([0, 2, 3, 1], networkEvents.Select(e => Assert.IsType<NetworkLifecycleEvent>(e).Event));
        Assert.All(networkEvents, e => Assert.Equal("evnet", e.Network.Name));

        List<StoragePoolEvent> poolEvents = await TakeAsync(pools, firstPool, 4);
        Assert.Equal([0, 2, 3, 1], poolEvents.Select(e => Assert.IsType<StoragePoolLifecycleEvent>(e).Event));
        Assert.All(poolEvents, e => Assert.Equal("evpool", e.Pool.Name));

        StoragePoolEvent refresh = Assert.Single(await TakeAsync(refreshes, firstRefresh, 1));
        Assert.Equal("evpool", Assert.IsType<StoragePoolRefreshEvent>(refresh).Pool.Name);
    }

    [Fact]
    public async Task SubscriptionsEachGetTheirEventsAndDeregisteringStopsTheServerSending()
    {
        await using LibvirtConnection connection = await OpenPrivateAsync(_daemon);
        var registeredAll = new TaskCompletionSource<int>();
        IAsyncEnumerator<DomainLifecycleEvent> all = connection.Events.DomainLifecycleAsync(options: new() { Registered = registeredAll.SetResult }).GetAsyncEnumerator();
        Task<bool> nextAll = all.MoveNextAsync().AsTask();
        int idAll = await registeredAll.Task.WaitAsync(Timeout);
        NonnullDomain dom = (await Call<DomainDefineXmlArgs, DomainDefineXmlRet>(connection, Procedure.DomainDefineXml, new() { Xml = DomainXml("ev2") })).Dom;
        Assert.Equal(0, Assert.Single(await TakeAsync(all, nextAll, 1)).Event);

        // One more subscription for all domains (shares the server registration) and one for this domain only.
        var registeredShared = new TaskCompletionSource<int>();
        var registeredOne = new TaskCompletionSource<int>();
        IAsyncEnumerator<DomainLifecycleEvent> shared = connection.Events.DomainLifecycleAsync(options: new() { Registered = registeredShared.SetResult }).GetAsyncEnumerator();
        await using IAsyncEnumerator<DomainLifecycleEvent> one = connection.Events.DomainLifecycleAsync(dom, new() { Registered = registeredOne.SetResult }).GetAsyncEnumerator();
        Task<bool> nextShared = shared.MoveNextAsync().AsTask();
        Task<bool> nextOne = one.MoveNextAsync().AsTask();
        Assert.Equal(idAll, await registeredShared.Task.WaitAsync(Timeout));
        Assert.NotEqual(idAll, await registeredOne.Task.WaitAsync(Timeout));

        await Call<DomainCreateArgs, XdrVoid>(connection, Procedure.DomainCreate, new() { Dom = dom });
        Assert.Equal(2, Assert.Single(await TakeAsync(all, all.MoveNextAsync().AsTask(), 1)).Event);
        Assert.Equal(2, Assert.Single(await TakeAsync(shared, nextShared, 1)).Event);
        Assert.Equal(2, Assert.Single(await TakeAsync(one, nextOne, 1)).Event);

        // The first leaves: the registration stays for the second.
        await all.DisposeAsync().AsTask().WaitAsync(Timeout);
        await Call<DomainDestroyArgs, XdrVoid>(connection, Procedure.DomainDestroy, new() { Dom = dom });
        Assert.Equal(5, Assert.Single(await TakeAsync(shared, shared.MoveNextAsync().AsTask(), 1)).Event);
        Assert.Equal(5, Assert.Single(await TakeAsync(one, one.MoveNextAsync().AsTask(), 1)).Event);

        // The last leaves: DEREGISTER goes out, and the server no longer knows the ID nor sends events for it.
        await shared.DisposeAsync().AsTask().WaitAsync(Timeout);
        long unrouted = connection.Events.UnroutedEvents;
        // libvirtd queues events in order: had ev3's event been sent, it would arrive before ev2's undefine.
        await Call<DomainDefineXmlArgs, DomainDefineXmlRet>(connection, Procedure.DomainDefineXml, new() { Xml = DomainXml("ev3") });
        await Call<DomainUndefineArgs, XdrVoid>(connection, Procedure.DomainUndefine, new() { Dom = dom });
        Assert.Equal(1, Assert.Single(await TakeAsync(one, one.MoveNextAsync().AsTask(), 1)).Event);
        Assert.Equal(unrouted, connection.Events.UnroutedEvents);
        LibvirtException gone = await Assert.ThrowsAsync<LibvirtException>(() => Call<ConnectDomainEventCallbackDeregisterAnyArgs, XdrVoid>(
            connection, Procedure.ConnectDomainEventCallbackDeregisterAny, new() { CallbackID = idAll }));
        Assert.Contains(idAll.ToString(System.Globalization.CultureInfo.InvariantCulture), gone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillingTheDaemonEndsEverySubscriptionWithConnectionLost()
    {
        await using PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync();
        await using LibvirtConnection connection = await OpenPrivateAsync(daemon);
        var domainRegistered = new TaskCompletionSource<int>();
        var networkRegistered = new TaskCompletionSource<int>();
        await using IAsyncEnumerator<DomainLifecycleEvent> domains = connection.Events.DomainLifecycleAsync(options: new() { Registered = domainRegistered.SetResult }).GetAsyncEnumerator();
        await using IAsyncEnumerator<NetworkEvent> networks = connection.Events.NetworkEventsAsync(options: new() { Registered = networkRegistered.SetResult }).GetAsyncEnumerator();
        Task<bool> nextDomain = domains.MoveNextAsync().AsTask();
        Task<bool> nextNetwork = networks.MoveNextAsync().AsTask();
        await Task.WhenAll(domainRegistered.Task, networkRegistered.Task).WaitAsync(Timeout);
        Assert.False(connection.Closed.IsCompleted);

        using (Process process = Process.GetProcessById(daemon.Pid))
        {
            process.Kill();
        }

        await Assert.ThrowsAsync<ConnectionLostException>(() => nextDomain.WaitAsync(Timeout));
        await Assert.ThrowsAsync<ConnectionLostException>(() => nextNetwork.WaitAsync(Timeout));
        Assert.Equal(CloseReason.Eof, await connection.Closed.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ClosingTheConnectionCompletesClosedWithClient()
    {
        LibvirtConnection connection = await OpenPrivateAsync(_daemon);
        await connection.DisposeAsync();
        Assert.Equal(CloseReason.Client, await connection.Closed.WaitAsync(Timeout));
    }

    private static async Task<LibvirtConnection> OpenPrivateAsync(PrivateLibvirtd daemon)
    {
        // A node file gives this connection its own test-driver state.
        string node = Path.Combine(daemon.Directory, $"node-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(node, """
            <node>
              <cpu><mhz>1000</mhz><model>i686</model><active>2</active><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads></cpu>
              <memory>1048576</memory>
            </node>
            """);
        return await LibvirtConnection.OpenAsync($"test+unix://{node}?socket={daemon.SocketPath}").WaitAsync(Timeout);
    }

    private static string DomainXml(string name)
        => $"<domain type='test'><name>{name}</name><memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";

    private static async Task<TRet> Call<TArgs, TRet>(LibvirtConnection connection, Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
        => await connection.CallAsync<TArgs, TRet>(procedure, args).AsTask().WaitAsync(Timeout);

    private static async Task<List<T>> TakeAsync<T>(IAsyncEnumerator<T> events, Task<bool> pending, int count)
    {
        var got = new List<T>();
        while (got.Count < count)
        {
            Assert.True(await pending.WaitAsync(Timeout));
            got.Add(events.Current);
            if (got.Count < count)
            {
                pending = events.MoveNextAsync().AsTask();
            }
        }

        return got;
    }
}
