using LibvirtRemote.Client;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Streams;
using LibvirtRemote.Server.Tests.Support;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>Streams served by handlers, read and written by our client: data, holes, finish, errors and aborts.</summary>
public sealed class ServerStreamTests
{
    private const uint SparseFlag = 1;

    [Fact]
    public async Task DownloadDeliversDataAndHolesThenFinishes()
    {
        byte[] first = RandomBytes(700_000, 1);
        byte[] second = RandomBytes(1000, 2);
        var handlers = new StorageHandlers
        {
            Download = async (stream, ct) =>
            {
                await stream.WriteAsync(first, ct);
                await stream.SendHoleAsync(4096, ct);
                await stream.WriteAsync(second, ct);
            },
        };
        await using var server = new InMemoryServer(new DelegateBackend(_ => handlers));
        await using LibvirtConnection client = await server.ConnectAsync();

        await using LibvirtStream stream = await client.StorageVolDownloadAsync(Volume, 0, 0, SparseFlag).WaitAsync(TimeSpan.FromSeconds(20));
        var data = new MemoryStream();
        long holes = 0;
        byte[] buffer = new byte[300_000];
        while (true)
        {
            StreamSegment segment = await stream.ReadSegmentAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            if (segment.Kind == StreamSegmentKind.End)
            {
                break;
            }

            if (segment.Kind == StreamSegmentKind.Hole)
            {
                holes += segment.Length;
                continue;
            }

            data.Write(buffer, 0, (int)segment.Length);
        }

        Assert.Equal(first.Concat(second).ToArray(), data.ToArray());
        Assert.Equal(4096, holes);
        Assert.True(handlers.DownloadSparse);
    }

    [Fact]
    public async Task UploadHandsEveryChunkToTheHandlerAndConfirmsTheFinish()
    {
        var received = new MemoryStream();
        long holes = 0;
        var handlers = new StorageHandlers
        {
            Upload = async (stream, ct) =>
            {
                while (true)
                {
                    StreamChunk chunk = await stream.ReadAsync(ct);
                    if (chunk.IsEnd)
                    {
                        return;
                    }

                    if (chunk.IsHole)
                    {
                        holes += chunk.HoleLength;
                    }
                    else
                    {
                        received.Write(chunk.Data.Span);
                    }
                }
            },
        };
        await using var server = new InMemoryServer(new DelegateBackend(_ => handlers));
        await using LibvirtConnection client = await server.ConnectAsync();
        byte[] payload = RandomBytes(1_500_000, 3);

        LibvirtStream stream = await client.StorageVolUploadAsync(Volume, 0, 0, SparseFlag).WaitAsync(TimeSpan.FromSeconds(20));
        await stream.WriteAsync(payload.AsMemory(0, 1_000_000)).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await stream.SendHoleAsync(8192).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await stream.WriteAsync(payload.AsMemory(1_000_000)).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await stream.FinishAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await stream.DisposeAsync();

        Assert.Equal(payload, received.ToArray());
        Assert.Equal(8192, holes);
    }

    [Fact]
    public async Task AFailingHandlerAbortsTheStreamWithItsError()
    {
        var handlers = new StorageHandlers
        {
            Download = async (stream, ct) =>
            {
                await stream.WriteAsync(new byte[10], ct);
                throw new LibvirtErrorException(ErrorCode.NoStorageVol, ErrorDomain.Storage, "Storage volume not found: gone");
            },
        };
        await using var server = new InMemoryServer(new DelegateBackend(_ => handlers));
        await using LibvirtConnection client = await server.ConnectAsync();

        await using LibvirtStream stream = await client.StorageVolDownloadAsync(Volume, 0, 0, 0).WaitAsync(TimeSpan.FromSeconds(20));
        var error = await Assert.ThrowsAsync<LibvirtException>(async () =>
        {
            byte[] buffer = new byte[100];
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20)) > 0)
            {
            }
        });
        Assert.Equal(ErrorCode.NoStorageVol, error.Code);
        Assert.Contains("gone", error.Message, StringComparison.Ordinal);

        // The connection is still usable.
        await Assert.ThrowsAsync<LibvirtException>(() => client.Remote.ConnectGetHostnameAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task AClientAbortCancelsTheHandler()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new StorageHandlers
        {
            Download = async (stream, ct) =>
            {
                try
                {
                    while (true)
                    {
                        await stream.WriteAsync(new byte[65536], ct);
                        await Task.Delay(5, ct);
                    }
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult();
                    throw;
                }
            },
        };
        await using var server = new InMemoryServer(new DelegateBackend(_ => handlers));
        await using LibvirtConnection client = await server.ConnectAsync();

        LibvirtStream stream = await client.StorageVolDownloadAsync(Volume, 0, 0, 0).WaitAsync(TimeSpan.FromSeconds(20));
        byte[] buffer = new byte[65536];
        _ = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        await stream.AbortAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static NonnullStorageVol Volume => new() { Pool = "pool", Name = "vol", Key = "/pool/vol" };

    private static byte[] RandomBytes(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class StorageHandlers : OpenableHandlers
    {
        public Func<ServerStream, CancellationToken, Task>? Download { get; init; }

        public Func<ServerStream, CancellationToken, Task>? Upload { get; init; }

        public bool DownloadSparse { get; private set; }

        public override ValueTask StorageVolDownloadAsync(ServerCall call, StorageVolDownloadArgs args)
        {
            DownloadSparse = (args.Flags & SparseFlag) != 0;
            call.Stream.HolesAllowed = DownloadSparse;
            call.Stream.Start(Download!);
            return default;
        }

        public override ValueTask StorageVolUploadAsync(ServerCall call, StorageVolUploadArgs args)
        {
            call.Stream.HolesAllowed = (args.Flags & SparseFlag) != 0;
            call.Stream.Start(Upload!);
            return default;
        }
    }
}
