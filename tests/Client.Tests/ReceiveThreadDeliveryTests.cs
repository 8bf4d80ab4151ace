using System.Net.Sockets;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sockets;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// Over a Unix socket with its own receive thread, callers' continuations run on that thread once the receive is
/// consumed; a caller that blocks there must not stop the replies, whether it waits for another call or for its own
/// connection to close.
/// </summary>
public class ReceiveThreadDeliveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const string ReceiveThreadName = "libvirt unix receive";

    [Fact]
    public async Task SequentialRepliesContinueOnTheReceiveThread()
    {
        await using var bridge = await UnixBridge.StartAsync();
        int onReceiveThread = await Task.Run(async () =>
        {
            int count = 0;
            for (int i = 0; i < 20; i++)
            {
                await bridge.Client.GetLibVersionAsync().ConfigureAwait(false);
                if (Thread.CurrentThread.Name == ReceiveThreadName)
                {
                    count++;
                }
            }

            return count;
        }).WaitAsync(Timeout);

        Assert.True(onReceiveThread >= 15, $"only {onReceiveThread} of 20 continuations ran on the receive thread");
    }

    [Fact]
    public async Task ContinuationThatBlocksOnAnotherCallIsHandedOver()
    {
        await using var bridge = await UnixBridge.StartAsync();
        LibvirtConnection client = bridge.Client;
        Task<int> blocking = Task.Run(async () =>
        {
            int blockedReceiveThread = 0;
            for (int i = 0; i < 10; i++)
            {
                await client.GetLibVersionAsync().ConfigureAwait(false);
                if (Thread.CurrentThread.Name == ReceiveThreadName)
                {
                    blockedReceiveThread++;
                }

                // Blocks whichever thread delivered the reply above until the next reply arrives.
                Assert.Equal(9_000_000UL, client.GetLibVersionAsync().GetAwaiter().GetResult());
            }

            return blockedReceiveThread;
        });

        int blocked = await blocking.WaitAsync(Timeout);
        Assert.True(blocked > 0, "no continuation blocked the receive thread, so no hand-over was exercised");
        Assert.Null(client.Rpc.Failure);
        Assert.Equal(9_000_000UL, await client.GetLibVersionAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ContinuationThatClosesItsConnectionSynchronouslyFinishes()
    {
        await using var bridge = await UnixBridge.StartAsync();
        LibvirtConnection client = bridge.Client;
        Task closing = Task.Run(async () =>
        {
            // A reply that beats the await continues on the calling thread instead: call until one does not.
            for (int i = 0; i < 100 && Thread.CurrentThread.Name != ReceiveThreadName; i++)
            {
                await client.GetLibVersionAsync().ConfigureAwait(false);
            }

            Assert.Equal(ReceiveThreadName, Thread.CurrentThread.Name);

            // Closing waits for the receive loop to end, which ran this continuation: it must be handed over.
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });

        await closing.WaitAsync(Timeout);
        Assert.NotNull(client.Rpc.Failure);
    }

    [Fact]
    public async Task ManyConcurrentCallersAllGetTheirReplies()
    {
        await using var bridge = await UnixBridge.StartAsync();
        Task<ulong>[] calls = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(async () => await bridge.Client.GetLibVersionAsync().ConfigureAwait(false)))
            .ToArray();
        ulong[] versions = await Task.WhenAll(calls).WaitAsync(Timeout);
        Assert.All(versions, v => Assert.Equal(9_000_000UL, v));
    }

    [Fact]
    public async Task SlowContinuationDoesNotHoldOtherCallersReplies()
    {
        await using var bridge = await UnixBridge.StartAsync();
        LibvirtConnection client = bridge.Client;
        using var release = new ManualResetEventSlim();
        Task slow = Task.Run(async () =>
        {
            await client.GetLibVersionAsync().ConfigureAwait(false);

            // Holds whichever thread delivered the reply until the other caller has had its own (longer than that
            // caller waits, so a reply stuck behind this one fails the test).
            release.Wait(3 * Timeout);
        });

        await Task.Delay(100);
        ulong version = await Task.Run(async () => await client.GetLibVersionAsync().ConfigureAwait(false)).WaitAsync(Timeout);
        release.Set();
        await slow.WaitAsync(Timeout);
        Assert.Equal(9_000_000UL, version);
    }

    [Fact]
    public async Task StreamReadsContinueOnTheReceiveThreadWithEveryByte()
    {
        await using var bridge = await UnixBridge.StartAsync();
        const int Packets = 30;
        byte[] expected = new byte[Packets * 4000];
        new Random(7).NextBytes(expected);
        bridge.Server.OnCall = async call =>
        {
            if (call.Header.Type == VirNetMessageType.Stream && call.Header.Status == VirNetMessageStatus.Ok)
            {
                await bridge.Server.SendBytesAsync(Frame(call.Header with { Type = VirNetMessageType.Stream }, []));
                return true;
            }

            if (call.Header.Proc != (int)Procedure.DomainScreenshot)
            {
                return false;
            }

            await bridge.Server.ReplyAsync(call.Header, new DomainScreenshotRet { Mime = "image/png" });
            VirNetMessageHeader packet = call.Header with { Type = VirNetMessageType.Stream, Status = VirNetMessageStatus.Continue };
            for (int i = 0; i < Packets; i++)
            {
                // Paced, so the reader is waiting when each packet arrives.
                await Task.Delay(3);
                await bridge.Server.SendBytesAsync(Frame(packet, expected.AsSpan(i * 4000, 4000)));
            }

            await bridge.Server.SendBytesAsync(Frame(packet, []));
            return true;
        };

        (int onReceiveThread, byte[] received) = await Task.Run(async () =>
        {
            (_, LibvirtStream stream) = await bridge.Client.ScreenshotAsync(new NonnullDomain { Name = "test", Uuid = new byte[16], Id = 1 }, 0).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var all = new MemoryStream();
                byte[] buffer = new byte[8192];
                int count = 0;
                int got;
                while ((got = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    all.Write(buffer, 0, got);
                    if (Thread.CurrentThread.Name == ReceiveThreadName)
                    {
                        count++;
                    }
                }

                await stream.FinishAsync().ConfigureAwait(false);
                return (count, all.ToArray());
            }
        }).WaitAsync(Timeout);

        Assert.Equal(expected, received);
        Assert.True(onReceiveThread >= Packets / 2, $"only {onReceiveThread} of {Packets} reads continued on the receive thread");
    }

    private static byte[] Frame(VirNetMessageHeader header, ReadOnlySpan<byte> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        LibvirtRemote.Transport.Framing.FrameWriter.Write(buffer, header, body);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A <see cref="FakeLibvirtd"/> reached through a real Unix socket, by a client with its own receive thread.</summary>
    private sealed class UnixBridge : IAsyncDisposable
    {
        private readonly string _directory;
        private readonly FakeLibvirtd _server;
        private readonly Socket _accepted;
        private readonly Task _toClient;
        private readonly Task _toServer;

        private UnixBridge(string directory, FakeLibvirtd server, Socket accepted, Task toClient, Task toServer, LibvirtConnection client)
        {
            _directory = directory;
            _server = server;
            _accepted = accepted;
            _toClient = toClient;
            _toServer = toServer;
            Client = client;
        }

        public LibvirtConnection Client { get; }

        public FakeLibvirtd Server => _server;

        public static async Task<UnixBridge> StartAsync()
        {
            string directory = Directory.CreateTempSubdirectory("lvr-recv-").FullName;
            string path = Path.Combine(directory, "sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            Task<UnixSocketPipe> connecting = UnixSocketPipe.ConnectAsync(path, dedicatedReceiveThread: true);
            Socket accepted = await listener.AcceptAsync().WaitAsync(Timeout);
            UnixSocketPipe pipe = await connecting.WaitAsync(Timeout);

            var server = new FakeLibvirtd();
            var stream = new NetworkStream(accepted, ownsSocket: false);
            Task toClient = server.ClientPipe.Input.CopyToAsync(stream);
            Task toServer = Task.Run(async () =>
            {
                await stream.CopyToAsync(server.ClientPipe.Output.AsStream(leaveOpen: true));
                await server.ClientPipe.Output.CompleteAsync();
            });

            LibvirtConnection client = await LibvirtConnection.OpenAsync(pipe, LibvirtUri.Parse("test:///default")).WaitAsync(Timeout);
            return new UnixBridge(directory, server, accepted, toClient, toServer, client);
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync().AsTask().WaitAsync(Timeout);

            // The fake ends its serving loop when its input ends; completing that input under the loop instead
            // would pull buffers from under a read in progress.
            _accepted.Shutdown(SocketShutdown.Both);
            await Settle(_toServer);
            await _server.DisposeAsync().AsTask().WaitAsync(Timeout);
            await Settle(_toClient);
            _accepted.Dispose();
            Directory.Delete(_directory, recursive: true);
        }

        private static async Task Settle(Task pump)
        {
            try
            {
                await pump.WaitAsync(Timeout);
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidOperationException or OperationCanceledException)
            {
            }
        }
    }
}
