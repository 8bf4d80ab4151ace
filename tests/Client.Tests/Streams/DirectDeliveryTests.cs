using LibvirtRemote.Client.Streams;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests.Streams;

/// <summary>
/// Packets that arrive while a reader waits are copied straight into its buffer; what does not fit, and what arrives
/// while nobody waits, is queued. Either way the reader sees every byte once, in order, and a cancelled read loses none.
/// </summary>
public sealed class DirectDeliveryTests
{
    private static readonly TimeSpan Timeout = FakePeer.Timeout;
    private static readonly NonnullStorageVol Volume = new() { Pool = "p", Name = "v", Key = "/p/v" };

    [Fact]
    public async Task SmallReadsGetEveryByteInOrderWhetherTheReaderWaitsOrNot()
    {
        await using var peer = new FakePeer();
        (LibvirtStream stream, ReceivedFrame call) = await OpenDownloadAsync(peer);
        var random = new Random(11);
        byte[] expected = new byte[200_000];
        random.NextBytes(expected);
        Task<byte[]> reader = Task.Run(async () =>
        {
            var all = new MemoryStream();
            byte[] buffer = new byte[1000];
            int got;
            while ((got = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                all.Write(buffer, 0, got);
            }

            return all.ToArray();
        });

        for (int offset = 0; offset < expected.Length;)
        {
            int length = Math.Min(random.Next(1, 6000), expected.Length - offset);
            await peer.SendAsync(FakePeer.Stream(call), expected.AsMemory(offset, length));
            offset += length;
            if (random.Next(3) == 0)
            {
                // Now and then the reader catches up and waits for the next packet.
                await Task.Delay(1);
            }
        }

        await peer.SendAsync(FakePeer.Stream(call));
        Assert.Equal(expected, await reader.WaitAsync(Timeout));
    }

    [Fact]
    public async Task CancelledReadsLoseNoData()
    {
        await using var peer = new FakePeer();
        (LibvirtStream stream, ReceivedFrame call) = await OpenDownloadAsync(peer);
        const int Packets = 300;
        var received = new List<byte>();
        int cancelled = 0;
        byte[] buffer = new byte[16];
        for (int i = 0; i < Packets; i++)
        {
            using var cts = new CancellationTokenSource();
            ValueTask<int> read = stream.ReadAsync(buffer, cts.Token);

            // The packet and the cancellation race; whichever wins, the byte must turn up exactly once.
            Task send = peer.SendAsync(FakePeer.Stream(call), new[] { (byte)i });
            if (i % 2 == 0)
            {
                await Task.Yield();
            }

            await cts.CancelAsync();
            try
            {
                int got = await read.AsTask().WaitAsync(Timeout);
                received.AddRange(buffer.AsSpan(0, got).ToArray());
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }

            await send.WaitAsync(Timeout);
        }

        await peer.SendAsync(FakePeer.Stream(call));
        int more;
        while ((more = await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, more).ToArray());
        }

        Assert.Equal(Enumerable.Range(0, Packets).Select(i => (byte)i), received);
        Assert.True(cancelled > 0, "no read was cancelled, so the race was never run");
    }

    private static async Task<(LibvirtStream Stream, ReceivedFrame Call)> OpenDownloadAsync(FakePeer peer)
    {
        Task<(LibvirtRemote.Xdr.XdrVoid Reply, LibvirtStream Stream)> open = LibvirtStream.OpenAsync<StorageVolDownloadArgs, LibvirtRemote.Xdr.XdrVoid>(
            peer.Client, (uint)RemoteProtocol.RemoteProgram, (uint)RemoteProtocol.RemoteProtocolVersion, (int)Procedure.StorageVolDownload,
            new StorageVolDownloadArgs { Vol = Volume }, FileAccess.Read, sparse: false);
        ReceivedFrame call = await peer.ReadAsync();
        await peer.SendAsync(FakePeer.Reply(call));
        (_, LibvirtStream stream) = await open.WaitAsync(Timeout);
        return (stream, call);
    }
}
