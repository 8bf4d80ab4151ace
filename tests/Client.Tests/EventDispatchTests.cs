using LibvirtRemote.Client.Events;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>Event routing, queueing and connection-end behaviour, against a scripted server on an in-memory pipe.</summary>
public sealed class EventDispatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly NonnullDomain Domain = new() { Name = "vm", Uuid = new byte[16], Id = 1 };

    private static DomainEventCallbackLifecycleMsg Lifecycle(int callbackId, int detail)
        => new() { CallbackID = callbackId, Msg = new DomainEventLifecycleMsg { Dom = Domain, Event = 2, Detail = detail } };

    [Fact]
    public async Task FullQueueEndsTheSubscriptionWithOverflowAfterTheQueuedEventsAndDeregisters()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int id = server.PeekCallbackId();
            server.OnCall = async call =>
            {
                if (call.Header.Proc != (int)Procedure.ConnectDomainEventCallbackRegisterAny)
                {
                    return false;
                }

                await server.ReplyAsync(call.Header, new ConnectDomainEventCallbackRegisterAnyRet { CallbackID = id });
                for (int i = 0; i < 100; i++)
                {
                    await server.SendEventAsync(Procedure.DomainEventCallbackLifecycle, Lifecycle(id, i));
                }

                return true;
            };

            var registered = new TaskCompletionSource<int>();
            var options = new EventSubscriptionOptions { Capacity = 4, Registered = registered.SetResult };
            await using IAsyncEnumerator<DomainLifecycleEvent> events = client.Events.DomainLifecycleAsync(options: options).GetAsyncEnumerator();
            Task<bool> first = events.MoveNextAsync().AsTask();
            Assert.Equal(id, await registered.Task.WaitAsync(Timeout));

            // The flood went out before this reply, so the read loop has handled all of it once the reply is here;
            // it did so without waiting for the consumer.
            Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(Timeout));

            Assert.True(await first.WaitAsync(Timeout));
            var details = new List<int> { events.Current.Detail };
            while (details.Count < 4)
            {
                Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Timeout));
                details.Add(events.Current.Detail);
            }

            Assert.Equal([0, 1, 2, 3], details);

            // The pending first read may have taken event 0 off the queue while the flood was still arriving, which
            // left room for one more: event 4 then comes before the overflow.
            await Assert.ThrowsAsync<EventQueueOverflowException>(async () =>
            {
                while (await events.MoveNextAsync().AsTask().WaitAsync(Timeout))
                {
                    details.Add(events.Current.Detail);
                }
            });
            Assert.Contains(details.Count, new[] { 4, 5 });
            Assert.Equal(Enumerable.Range(0, details.Count), details);
            await events.DisposeAsync();

            ReceivedCall deregister = server.WaitForCall(Procedure.ConnectDomainEventCallbackDeregisterAny, Timeout);
            Assert.Equal(id, deregister.Decode<ConnectDomainEventCallbackDeregisterAnyArgs>().CallbackID);
            Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task EventSentBeforeTheRegistrationReplyIsDelivered()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            server.OnCall = async call =>
            {
                if (call.Header.Proc != (int)Procedure.ConnectDomainEventCallbackRegisterAny)
                {
                    return false;
                }

                await server.SendEventAsync(Procedure.DomainEventCallbackLifecycle, Lifecycle(3, 41));
                await server.ReplyAsync(call.Header, new ConnectDomainEventCallbackRegisterAnyRet { CallbackID = 3 });
                await server.SendEventAsync(Procedure.DomainEventCallbackLifecycle, Lifecycle(3, 42));
                return true;
            };

            await using IAsyncEnumerator<DomainLifecycleEvent> events = client.Events.DomainLifecycleAsync().GetAsyncEnumerator();
            Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Timeout));
            Assert.Equal(41, events.Current.Detail);
            Assert.Equal("vm", events.Current.Domain.Name);
            Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Timeout));
            Assert.Equal(42, events.Current.Detail);
        }
    }

    [Fact]
    public async Task EventsForUnknownCallbacksAreDroppedAndTheConnectionStays()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int id = server.PeekCallbackId();
            var registered = new TaskCompletionSource<int>();
            await using IAsyncEnumerator<DomainLifecycleEvent> events = client.Events.DomainLifecycleAsync(options: new() { Registered = registered.SetResult }).GetAsyncEnumerator();
            Task<bool> next = events.MoveNextAsync().AsTask();
            await registered.Task.WaitAsync(Timeout);

            await server.SendEventAsync(Procedure.DomainEventCallbackLifecycle, Lifecycle(id + 50, 1));
            await server.SendEventAsync(Procedure.DomainEventLifecycle, Lifecycle(0, 2).Msg);
            await server.SendEventAsync(Procedure.DomainEventCallbackLifecycle, Lifecycle(id, 3));

            Assert.True(await next.WaitAsync(Timeout));
            Assert.Equal(3, events.Current.Detail);
            Assert.Equal(2, client.Events.UnroutedEvents);
            Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task UndecodableEventEndsTheConnectionAsAProtocolError()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int id = server.PeekCallbackId();
            var registered = new TaskCompletionSource<int>();
            await using IAsyncEnumerator<DomainLifecycleEvent> events = client.Events.DomainLifecycleAsync(options: new() { Registered = registered.SetResult }).GetAsyncEnumerator();
            Task<bool> next = events.MoveNextAsync().AsTask();
            await registered.Task.WaitAsync(Timeout);

            // A callback ID and then nothing: the domain is missing.
            await server.SendRawEventAsync(Procedure.DomainEventCallbackLifecycle, [0, 0, 0, (byte)id]);

            ConnectionLostException lost = await Assert.ThrowsAsync<ConnectionLostException>(() => next.WaitAsync(Timeout));
            Assert.IsType<LibvirtProtocolException>(lost.InnerException);
            Assert.IsType<LibvirtProtocolException>(client.Rpc.Failure);
            Assert.Equal(CloseReason.Error, await client.Closed.WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task ServerReportedCloseCompletesClosedWithItsReason()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            Assert.False(client.Closed.IsCompleted);
            await server.SendEventAsync(Procedure.ConnectEventConnectionClosed, new ConnectEventConnectionClosedMsg { Reason = 2 });
            Assert.Equal(CloseReason.Keepalive, await client.Closed.WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task ConnectionLossEndsEverySubscriptionAndReportsEof()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            var one = new TaskCompletionSource<int>();
            var two = new TaskCompletionSource<int>();
            await using IAsyncEnumerator<DomainLifecycleEvent> first = client.Events.DomainLifecycleAsync(options: new() { Registered = one.SetResult }).GetAsyncEnumerator();
            await using IAsyncEnumerator<NetworkEvent> second = client.Events.NetworkEventsAsync(options: new() { Registered = two.SetResult }).GetAsyncEnumerator();
            Task<bool> firstNext = first.MoveNextAsync().AsTask();
            Task<bool> secondNext = second.MoveNextAsync().AsTask();
            await Task.WhenAll(one.Task, two.Task).WaitAsync(Timeout);

            await server.HangUpAsync();

            await Assert.ThrowsAsync<ConnectionLostException>(() => firstNext.WaitAsync(Timeout));
            await Assert.ThrowsAsync<ConnectionLostException>(() => secondNext.WaitAsync(Timeout));
            Assert.Equal(CloseReason.Eof, await client.Closed.WaitAsync(Timeout));
            await Assert.ThrowsAsync<ConnectionLostException>(() => client.Events.DomainLifecycleAsync().GetAsyncEnumerator().MoveNextAsync().AsTask().WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task ClosingTheConnectionReportsClientClose()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        {
            await client.DisposeAsync();
            Assert.Equal(CloseReason.Client, await client.Closed.WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task CancellingTheEnumerationDeregisters()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int id = server.PeekCallbackId();
            using var cancel = new CancellationTokenSource();
            var registered = new TaskCompletionSource<int>();
            IAsyncEnumerable<DomainLifecycleEvent> events = client.Events.DomainLifecycleAsync(options: new() { Registered = registered.SetResult }, cancellationToken: cancel.Token);
            Task consume = Task.Run(async () =>
            {
                await foreach (DomainLifecycleEvent e in events)
                {
                }
            });
            await registered.Task.WaitAsync(Timeout);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consume.WaitAsync(Timeout));
            Assert.Equal(id, server.WaitForCall(Procedure.ConnectDomainEventCallbackDeregisterAny, Timeout).Decode<ConnectDomainEventCallbackDeregisterAnyArgs>().CallbackID);
        }
    }

    [Fact]
    public async Task GenericDomainSubscriptionRegistersTheEventIdAndYieldsTheCallbackMessage()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int id = server.PeekCallbackId();
            var registered = new TaskCompletionSource<int>();
            await using IAsyncEnumerator<DomainEvent> events = client.Events.DomainEventsAsync(DomainEventId.Reboot, Domain, new() { Registered = registered.SetResult }).GetAsyncEnumerator();
            Task<bool> next = events.MoveNextAsync().AsTask();
            await registered.Task.WaitAsync(Timeout);
            ConnectDomainEventCallbackRegisterAnyArgs args = server.WaitForCall(Procedure.ConnectDomainEventCallbackRegisterAny, Timeout).Decode<ConnectDomainEventCallbackRegisterAnyArgs>();
            Assert.Equal(1, args.EventID);
            Assert.Equal("vm", args.Dom?.Name);

            await server.SendEventAsync(Procedure.DomainEventCallbackReboot, new DomainEventCallbackRebootMsg { CallbackID = id, Msg = new DomainEventRebootMsg { Dom = Domain } });
            Assert.True(await next.WaitAsync(Timeout));
            Assert.Equal(Procedure.DomainEventCallbackReboot, events.Current.Procedure);
            Assert.Equal(DomainEventId.Reboot, events.Current.EventId);
            Assert.Equal(id, Assert.IsType<DomainEventCallbackRebootMsg>(events.Current.Message).CallbackID);
        }
    }

    [Fact]
    public async Task EventOfAnotherIdForARegisteredCallbackIsAProtocolError()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int id = server.PeekCallbackId();
            var registered = new TaskCompletionSource<int>();
            await using IAsyncEnumerator<DomainLifecycleEvent> events = client.Events.DomainLifecycleAsync(options: new() { Registered = registered.SetResult }).GetAsyncEnumerator();
            Task<bool> next = events.MoveNextAsync().AsTask();
            await registered.Task.WaitAsync(Timeout);
            await server.SendEventAsync(Procedure.DomainEventCallbackReboot, new DomainEventCallbackRebootMsg { CallbackID = id, Msg = new DomainEventRebootMsg { Dom = Domain } });
            await Assert.ThrowsAsync<ConnectionLostException>(() => next.WaitAsync(Timeout));
            Assert.IsType<LibvirtProtocolException>(client.Rpc.Failure);
        }
    }

    [Fact]
    public async Task IdenticalSubscriptionsShareOneServerRegistrationUntilTheLastLeaves()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            int id = server.PeekCallbackId();
            var one = new TaskCompletionSource<int>();
            var two = new TaskCompletionSource<int>();
            var other = new TaskCompletionSource<int>();
            IAsyncEnumerator<DomainLifecycleEvent> first = client.Events.DomainLifecycleAsync(options: new() { Registered = one.SetResult }).GetAsyncEnumerator();
            await using IAsyncEnumerator<DomainEvent> second = client.Events.DomainEventsAsync(DomainEventId.Lifecycle, options: new() { Registered = two.SetResult }).GetAsyncEnumerator();
            using var stopFiltered = new CancellationTokenSource();
            await using IAsyncEnumerator<DomainLifecycleEvent> filtered = client.Events.DomainLifecycleAsync(Domain, new() { Registered = other.SetResult }, stopFiltered.Token).GetAsyncEnumerator();
            Task<bool> firstNext = first.MoveNextAsync().AsTask();
            Task<bool> secondNext = second.MoveNextAsync().AsTask();
            Task<bool> filteredNext = filtered.MoveNextAsync().AsTask();
            Assert.Equal(id, await one.Task.WaitAsync(Timeout));
            Assert.Equal(id, await two.Task.WaitAsync(Timeout));
            Assert.Equal(id + 1, await other.Task.WaitAsync(Timeout));
            Assert.Equal(2, server.Calls.Count(c => c.Header.Proc == (int)Procedure.ConnectDomainEventCallbackRegisterAny));

            await server.SendEventAsync(Procedure.DomainEventCallbackLifecycle, Lifecycle(id, 5));
            Assert.True(await firstNext.WaitAsync(Timeout));
            Assert.True(await secondNext.WaitAsync(Timeout));
            Assert.Equal(5, first.Current.Detail);
            Assert.Equal(5, Assert.IsType<DomainEventCallbackLifecycleMsg>(second.Current.Message).Msg.Detail);
            Assert.False(filteredNext.IsCompleted);

            await first.DisposeAsync().AsTask().WaitAsync(Timeout);
            Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(Timeout));
            Assert.DoesNotContain(server.Calls, c => c.Header.Proc == (int)Procedure.ConnectDomainEventCallbackDeregisterAny);

            await second.DisposeAsync().AsTask().WaitAsync(Timeout);
            Assert.Equal(id, server.WaitForCall(Procedure.ConnectDomainEventCallbackDeregisterAny, Timeout).Decode<ConnectDomainEventCallbackDeregisterAnyArgs>().CallbackID);

            // A pending MoveNextAsync is ended by cancellation (an async iterator cannot be disposed mid-move).
            await stopFiltered.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => filteredNext.WaitAsync(Timeout));
            Assert.Equal(id + 1, server.WaitForCall(Procedure.ConnectDomainEventCallbackDeregisterAny, Timeout).Decode<ConnectDomainEventCallbackDeregisterAnyArgs>().CallbackID);
        }
    }

    [Fact]
    public async Task ArgumentsAreValidatedBeforeEnumeration()
    {
        var (server, client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => client.Events.DomainEventsAsync((DomainEventId)28));
            Assert.Throws<ArgumentOutOfRangeException>(() => client.Events.NetworkEventsAsync((NetworkEventId)(-1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => client.Events.DomainLifecycleAsync(options: new() { Capacity = 0 }));
            await Task.CompletedTask;
        }
    }
}
