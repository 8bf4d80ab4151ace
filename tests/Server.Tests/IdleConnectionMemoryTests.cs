using System.Buffers.Binary;
using System.Net.Sockets;
using LibvirtRemote.Server.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Server.Tests;

/// <summary>
/// What an idle client costs the server in managed memory (the bench's P7 counts resident memory for 10,000 of them):
/// Unix clients that opened the connection and then say nothing.
/// </summary>
/// <remarks>Alone: it weighs the whole managed heap, which other tests running meanwhile would move.</remarks>
[Collection(MemoryCollection.Name)]
public sealed class IdleConnectionMemoryTests(ITestOutputHelper output)
{
    private const int Clients = 1000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task IdleOpenedUnixClientCostsUnderEightKiB()
    {
        DirectoryInfo dir = Directory.CreateTempSubdirectory("lvr-idle-");
        var sockets = new List<Socket>(Clients + 1);
        var server = new LibvirtServer(new DelegateBackend(_ => new OpenableHandlers()));
        try
        {
            var endPoint = new UnixDomainSocketEndPoint(Path.Combine(dir.FullName, "sock"));
            server.ListenUnix(Path.Combine(dir.FullName, "sock"), new ListenerOptions());

            // One client first, so what the first connection sets up once (pools, caches, code) is not counted.
            Connect(endPoint, sockets);
            await WaitForClientsAsync(server, 1);
            long before = GC.GetTotalMemory(forceFullCollection: true);
            for (int i = 0; i < Clients; i++)
            {
                Connect(endPoint, sockets);
            }

            await WaitForClientsAsync(server, Clients + 1);
            long after = GC.GetTotalMemory(forceFullCollection: true);

            // Includes this side's Socket objects (a few hundred bytes each). An idle client used to keep its
            // outbox's buffers, 8 KiB on their own (about 15 KiB in all).
            double perClient = (after - before) / (double)Clients;
            output.WriteLine($"{perClient:F0} bytes of managed memory per idle client");
            Assert.True(perClient < 8 * 1024, $"{perClient:F0} bytes of managed memory per idle client");
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }

            await server.DisposeAsync().AsTask().WaitAsync(Timeout);
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Connects a raw client and makes the CONNECT_OPEN call; checks the reply says OK.</summary>
    private static void Connect(UnixDomainSocketEndPoint endPoint, List<Socket> sockets)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)Timeout.TotalMilliseconds,
            SendTimeout = (int)Timeout.TotalMilliseconds,
        };
        sockets.Add(socket);
        socket.Connect(endPoint);

        // length, program, version 1, procedure 1 (CONNECT_OPEN), type CALL, serial, status OK; args: name NULL, flags 0.
        uint[] words = [36, 0x20008086, 1, 1, 0, (uint)sockets.Count, 0, 0, 0];
        byte[] call = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(call.AsSpan(i * 4), words[i]);
        }

        socket.Send(call);
        byte[] reply = new byte[256];
        int got = 0;
        while (got < 28)
        {
            int n = socket.Receive(reply, got, reply.Length - got, SocketFlags.None);
            Assert.True(n > 0, "the server closed the connection instead of replying");
            got += n;
        }

        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(24)));
    }

    private static async Task WaitForClientsAsync(LibvirtServer server, int count)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (server.ClientCount < count)
        {
            await Task.Delay(10, timeout.Token);
        }

        // The replies were read, so each connection's flush has handed its bytes on; give the flushes a moment to
        // finish (and give their buffers back) before the heap is weighed.
        await Task.Delay(200, timeout.Token);
    }
}

/// <summary>Tests that weigh the managed heap run with no other test alongside.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "memory";
}
