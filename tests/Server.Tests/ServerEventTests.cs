using LibvirtRemote.Client;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Tests.Support;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>Events published by a backend reach every subscribed client, each with its own callback ID and filter.</summary>
public sealed class ServerEventTests
{
    private static readonly NonnullDomain Alpha = new() { Name = "alpha", Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555").ToByteArray(), Id = 1 };
    private static readonly NonnullDomain Beta = new() { Name = "beta", Uuid = Guid.Parse("99999999-2222-3333-4444-555555555555").ToByteArray(), Id = 2 };

    [Fact]
    public async Task LifecycleEventsFanOutToEverySubscriberAndRespectDomainFilters()
    {
        await using var server = new InMemoryServer(new DelegateBackend(_ => new OpenableHandlers()));
        await using LibvirtConnection all1 = await server.ConnectAsync();
        await using LibvirtConnection all2 = await server.ConnectAsync();
        await using LibvirtConnection onlyBeta = await server.ConnectAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        Task<List<DomainLifecycleEvent>> first = Collect(all1.Events.DomainLifecycleAsync(cancellationToken: stop.Token), 3);
        Task<List<DomainLifecycleEvent>> second = Collect(all2.Events.DomainLifecycleAsync(cancellationToken: stop.Token), 3);
        Task<List<DomainLifecycleEvent>> filtered = Collect(onlyBeta.Events.DomainLifecycleAsync(Beta, cancellationToken: stop.Token), 1);
        await WaitForSubscriptions(server, 3);

        Publish(server, Alpha, 0, 0);
        Publish(server, Beta, 2, 1);
        Publish(server, Alpha, 5, 1);

        foreach (List<DomainLifecycleEvent> events in new[] { await first, await second })
        {
            Assert.Equal(["alpha/0/0", "beta/2/1", "alpha/5/1"], events.Select(e => $"{e.Domain.Name}/{e.Event}/{e.Detail}"));
        }

        Assert.Equal("beta", Assert.Single(await filtered).Domain.Name);
    }

    [Fact]
    public async Task RegistrationsEndWithTheirSubscriptionAndTheirConnection()
    {
        await using var server = new InMemoryServer(new DelegateBackend(_ => new OpenableHandlers()));
        LibvirtConnection client = await server.ConnectAsync();
        using var stop = new CancellationTokenSource();
        Task<List<DomainLifecycleEvent>> events = Collect(client.Events.DomainLifecycleAsync(cancellationToken: stop.Token), int.MaxValue);
        await WaitForSubscriptions(server, 1);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => events.WaitAsync(TimeSpan.FromSeconds(20)));
        await WaitForSubscriptions(server, 0);

        using var again = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _ = Collect(client.Events.DomainLifecycleAsync(cancellationToken: again.Token), int.MaxValue);
        await WaitForSubscriptions(server, 1);
        await client.DisposeAsync();
        await WaitForSubscriptions(server, 0);
    }

    [Fact]
    public async Task QemuMonitorEventsReachTheQemuProgramsSubscribersByName()
    {
        await using var server = new InMemoryServer(new DelegateBackend(_ => new OpenableHandlers()));
        await using LibvirtConnection client = await server.ConnectAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<List<QemuMonitorEvent>> shutdowns = Collect(client.Events.QemuMonitorEventsAsync(eventName: "SHUTDOWN", cancellationToken: stop.Token), 1);
        Task<List<QemuMonitorEvent>> any = Collect(client.Events.QemuMonitorEventsAsync(cancellationToken: stop.Token), 2);
        await WaitForSubscriptions(server, 2);

        server.Server.Events.PublishQemuMonitorEvent(new QemuDomainMonitorEventMsg { Dom = Alpha, Event = "RESUME", Seconds = 1, Micros = 2 });
        server.Server.Events.PublishQemuMonitorEvent(new QemuDomainMonitorEventMsg { Dom = Alpha, Event = "SHUTDOWN", Seconds = 3, Micros = 4, Details = "{}" });

        Assert.Equal("SHUTDOWN", Assert.Single(await shutdowns).Event);
        Assert.Equal(["RESUME", "SHUTDOWN"], (await any).Select(e => e.Event));
    }

    private static void Publish(InMemoryServer server, NonnullDomain domain, int @event, int detail)
        => server.Server.Events.PublishDomainEvent(0, domain.Uuid, new DomainEventCallbackLifecycleMsg { Msg = new DomainEventLifecycleMsg { Dom = domain, Event = @event, Detail = detail } });

    private static async Task WaitForSubscriptions(InMemoryServer server, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (server.Server.Events.Count != count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> source, int count)
    {
        var items = new List<T>();
        await foreach (T item in source)
        {
            items.Add(item);
            if (items.Count == count)
            {
                break;
            }
        }

        return items;
    }
}
