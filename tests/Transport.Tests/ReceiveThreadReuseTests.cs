using System.IO.Pipelines;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>A connection receiving on its own thread reuses the thread a closed connection left parked.</summary>
/// <remarks>In the same collection as the other receive-thread tests, so no other connection takes the parked thread first.</remarks>
[Collection(ReceiveThreadCollection.Name)]
public sealed class ReceiveThreadReuseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConnectionsInARowShareParkedThreads()
    {
        var threads = new HashSet<int>();
        for (int i = 0; i < 6; i++)
        {
            threads.Add(await ReceiverThreadOfOneConnectionAsync());
        }

        // Without reuse each connection would start its own thread; a thread parked by an earlier test may join in.
        Assert.True(threads.Count <= 2, $"{threads.Count} different receive threads for 6 connections in a row");
    }

    // The input's reader continues inline on the thread that received the bytes; the continuation is attached before
    // anything is sent, so it cannot run on this test's own thread.
    private static async Task<int> ReceiverThreadOfOneConnectionAsync()
    {
        await using UnixSocketPair pair = await UnixSocketPair.CreateAsync(serverReceiveThread: true);
        Task<ReadResult> reading = pair.Server.Input.ReadAsync().AsTask();
        Task<int> receiver = reading.ContinueWith(_ => Environment.CurrentManagedThreadId, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await pair.Client.Output.WriteAsync(new byte[] { 1, 2, 3 }).AsTask().WaitAsync(Timeout);
        ReadResult result = await reading.WaitAsync(Timeout);
        pair.Server.Input.AdvanceTo(result.Buffer.End);
        return await receiver.WaitAsync(Timeout);
    }
}

/// <summary>Tests that start receive threads, run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ReceiveThreadCollection
{
    public const string Name = "receive threads";
}
