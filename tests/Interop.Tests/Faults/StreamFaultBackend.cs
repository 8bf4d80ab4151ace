using LibvirtRemote.Protocol;
using LibvirtRemote.Server;
using LibvirtRemote.Server.Streams;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// A backend with one pool "faults" whose volumes stream without end (a download of length 0 never finishes, an
/// upload accepts anything), and which counts the stream work it runs, so a test sees whether the server ended a
/// stream whose client vanished.
/// </summary>
internal sealed class StreamFaultBackend : ServerBackend
{
    private static readonly byte[] Uuid = Guid.Parse("5e0a1f5c-0000-4000-8000-00000000fa17").ToByteArray(bigEndian: true);
    private int _active;
    private int _started;
    private long _received;
    private long _sent;

    /// <summary>Stream work running now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Stream work started so far.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Upload bytes the work has consumed.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Download bytes the work has handed to the server.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public override RemoteHandlers CreateRemoteHandlers(ClientContext client) => new Handlers(this);

    private sealed class Handlers(StreamFaultBackend backend) : RemoteHandlers
    {
        public override ValueTask ConnectOpenAsync(ServerCall call, ConnectOpenArgs args) => default;

        public override ValueTask<ConnectGetHostnameRet> ConnectGetHostnameAsync(ServerCall call)
            => new(new ConnectGetHostnameRet { Hostname = Environment.MachineName });

        public override ValueTask<StoragePoolLookupByNameRet> StoragePoolLookupByNameAsync(ServerCall call, StoragePoolLookupByNameArgs args)
            => new(new StoragePoolLookupByNameRet { Pool = new NonnullStoragePool { Name = args.Name, Uuid = Uuid } });

        public override ValueTask<StorageVolLookupByNameRet> StorageVolLookupByNameAsync(ServerCall call, StorageVolLookupByNameArgs args)
            => new(new StorageVolLookupByNameRet { Vol = new NonnullStorageVol { Pool = args.Pool.Name, Name = args.Name, Key = $"/{args.Pool.Name}/{args.Name}" } });

        public override ValueTask StorageVolDownloadAsync(ServerCall call, StorageVolDownloadArgs args)
        {
            call.Stream.Start(async (stream, ct) =>
            {
                backend.Begin();
                try
                {
                    byte[] chunk = new byte[ServerStream.MaxChunk];
                    ulong left = args.Length == 0 ? ulong.MaxValue : args.Length;
                    while (left > 0)
                    {
                        int take = (int)Math.Min(left, (ulong)chunk.Length);
                        await stream.WriteAsync(chunk.AsMemory(0, take), ct).ConfigureAwait(false);
                        Interlocked.Add(ref backend._sent, take);
                        left -= (ulong)take;
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref backend._active);
                }
            });
            return default;
        }

        public override ValueTask StorageVolUploadAsync(ServerCall call, StorageVolUploadArgs args)
        {
            call.Stream.Start(async (stream, ct) =>
            {
                backend.Begin();
                try
                {
                    while (true)
                    {
                        StreamChunk chunk = await stream.ReadAsync(ct).ConfigureAwait(false);
                        if (chunk.IsEnd)
                        {
                            return;
                        }

                        Interlocked.Add(ref backend._received, chunk.Data.Length);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref backend._active);
                }
            });
            return default;
        }
    }

    private void Begin()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _started);
    }
}
