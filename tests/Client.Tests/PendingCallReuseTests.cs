using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// Calls without a cancellation token or timeout await a reused per-call object instead of a task: every caller
/// must still get its own reply, errors must not stick to the next call, and blocking on the value task works.
/// </summary>
public sealed class PendingCallReuseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ConcurrentCallersAnsweredOutOfOrderEachGetTheirOwnReply()
    {
        (FakeLibvirtd server, LibvirtConnection client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            var random = new Random(5);
            AnswerLookups(server, (call, name) =>
            {
                int delay;
                lock (random)
                {
                    delay = random.Next(3);
                }

                // Replies leave in a shuffled order: some now, some after later calls.
                _ = Task.Run(async () =>
                {
                    await Task.Delay(delay);
                    await server.ReplyAsync(call.Header, Found(name));
                });
                return Task.CompletedTask;
            });

            Task[] callers = Enumerable.Range(0, 32).Select(c => Task.Run(async () =>
            {
                for (int i = 0; i < 100; i++)
                {
                    string name = $"c{c}-{i}";
                    DomainLookupByNameRet reply = await client.Remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = name });
                    Assert.Equal(name, reply.Dom.Name);
                }
            })).ToArray();
            await Task.WhenAll(callers).WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task AnErrorDoesNotStickToTheNextCall()
    {
        (FakeLibvirtd server, LibvirtConnection client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            AnswerLookups(server, (call, name) => name.StartsWith("bad", StringComparison.Ordinal)
                ? server.ReplyErrorAsync(call.Header, new VirNetMessageError { Code = 42, Domain = 10, Level = 2, Message = "no domain " + name })
                : server.ReplyAsync(call.Header, Found(name)));

            await Task.Run(async () =>
            {
                for (int i = 0; i < 50; i++)
                {
                    LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(
                        () => client.Remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = $"bad{i}" }).AsTask());
                    Assert.Equal($"no domain bad{i}", error.Message);
                    DomainLookupByNameRet good = await client.Remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = $"good{i}" });
                    Assert.Equal($"good{i}", good.Dom.Name);
                }
            }).WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task BlockingOnTheValueTaskWaitsForTheReply()
    {
        (FakeLibvirtd server, LibvirtConnection client) = await FakeLibvirtd.StartAsync();
        await using (server)
        await using (client)
        {
            server.OnCall = async call =>
            {
                if (call.Header.Proc != (int)Procedure.ConnectGetHostname)
                {
                    return false;
                }

                await Task.Delay(100);
                await server.ReplyAsync(call.Header, new ConnectGetHostnameRet { Hostname = "slow" });
                return true;
            };

            // What the analyzer warns about is the point here: callers do block on these value tasks.
#pragma warning disable CA2012
            string[] names = await Task.Run(() => Enumerable.Range(0, 5)
                .Select(_ => client.Remote.ConnectGetHostnameAsync().GetAwaiter().GetResult().Hostname)
                .ToArray()).WaitAsync(Timeout);
            Assert.All(names, n => Assert.Equal("slow", n));
            Assert.Equal("slow", (await Task.Run(() => client.Remote.ConnectGetHostnameAsync().Result).WaitAsync(Timeout)).Hostname);
#pragma warning restore CA2012
        }
    }

    /// <summary>Scripts the fake server's answer to DOMAIN_LOOKUP_BY_NAME; other calls get its defaults.</summary>
    private static void AnswerLookups(FakeLibvirtd server, Func<ReceivedCall, string, Task> answer)
        => server.OnCall = async call =>
        {
            if (call.Header.Proc != (int)Procedure.DomainLookupByName)
            {
                return false;
            }

            await answer(call, call.Decode<DomainLookupByNameArgs>().Name);
            return true;
        };

    private static DomainLookupByNameRet Found(string name) => new() { Dom = new NonnullDomain { Name = name, Uuid = new byte[16], Id = 1 } };
}
