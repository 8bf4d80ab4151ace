using LibvirtRemote.Protocol;
using LibvirtRemote.Server;

namespace LibvirtRemote.Bench.Compare;

/// <summary>Handlers of <see cref="BenchBackend"/>; replies are built once and shared, as the values never change.</summary>
internal sealed class BenchHandlers : RemoteHandlers
{
    // test:///default's domain "test" and pool "default-pool" (libvirt src/test/test_driver.c).
    private static readonly NonnullDomain TestDomain = new()
    {
        Name = "test",
        Uuid = Guid.Parse("6695eb01-f6a4-8304-79aa-97f2502e193f").ToByteArray(bigEndian: true),
        Id = 1,
    };

    private static readonly NonnullStoragePool Pool = new()
    {
        Name = "default-pool",
        Uuid = Guid.Parse("dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566").ToByteArray(bigEndian: true),
    };

    private static readonly NonnullStorageVol Volume = new() { Pool = "default-pool", Name = "bench.img", Key = "/default-pool/bench.img" };

    private static readonly byte[] Chunk = CreateChunk();

    private readonly BenchBackend _backend;

    public BenchHandlers(BenchBackend backend) => _backend = backend;

    public override ValueTask ConnectOpenAsync(ServerCall call, ConnectOpenArgs args) => default;

    public override ValueTask<ConnectGetTypeRet> ConnectGetTypeAsync(ServerCall call) => new(new ConnectGetTypeRet { Type = "TEST" });

    public override ValueTask<ConnectGetLibVersionRet> ConnectGetLibVersionAsync(ServerCall call) => new(new ConnectGetLibVersionRet { LibVer = 9_000_000 });

    public override ValueTask<ConnectListAllDomainsRet> ConnectListAllDomainsAsync(ServerCall call, ConnectListAllDomainsArgs args)
        => new(new ConnectListAllDomainsRet { Domains = args.NeedResults != 0 ? [TestDomain] : [], Ret = 1 });

    public override ValueTask<DomainLookupByNameRet> DomainLookupByNameAsync(ServerCall call, DomainLookupByNameArgs args)
    {
        if (args.Name != "test")
        {
            throw new LibvirtErrorException(ErrorCode.NoDomain, ErrorDomain.Dom, $"Domain not found: no domain with matching name '{args.Name}'");
        }

        return new(new DomainLookupByNameRet { Dom = TestDomain });
    }

    public override ValueTask<DomainGetInfoRet> DomainGetInfoAsync(ServerCall call, DomainGetInfoArgs args)
        => new(new DomainGetInfoRet { State = 1, MaxMem = 8_388_608, Memory = 2_097_152, NrVirtCpu = 2, CpuTime = (ulong)Environment.TickCount64 * 1_000_000 });

    public override ValueTask<StoragePoolLookupByNameRet> StoragePoolLookupByNameAsync(ServerCall call, StoragePoolLookupByNameArgs args)
        => new(new StoragePoolLookupByNameRet { Pool = Pool });

    public override ValueTask<StorageVolLookupByNameRet> StorageVolLookupByNameAsync(ServerCall call, StorageVolLookupByNameArgs args)
        => new(new StorageVolLookupByNameRet { Vol = Volume });

    public override ValueTask StorageVolDownloadAsync(ServerCall call, StorageVolDownloadArgs args)
    {
        long total = args.Length == 0 ? _backend.VolumeBytes : (long)Math.Min(args.Length, (ulong)_backend.VolumeBytes);
        call.Stream.Start(async (stream, ct) =>
        {
            for (long left = total; left > 0;)
            {
                int n = (int)Math.Min(left, Chunk.Length);
                await stream.WriteAsync(Chunk.AsMemory(0, n), ct).ConfigureAwait(false);
                left -= n;
            }
        });
        return default;
    }

    public override ValueTask<DomainScreenshotRet> DomainScreenshotAsync(ServerCall call, DomainScreenshotArgs args)
    {
        byte[] image = _backend.Screenshot;
        call.Stream.Start(async (stream, ct) =>
        {
            for (int offset = 0; offset < image.Length; offset += Chunk.Length)
            {
                await stream.WriteAsync(image.AsMemory(offset, Math.Min(Chunk.Length, image.Length - offset)), ct).ConfigureAwait(false);
            }
        });
        return new(new DomainScreenshotRet { Mime = "image/png" });
    }

    /// <summary>
    /// P8's trigger: publishes <c>args.Autostart</c> lifecycle events (event 3 "suspended", detail 0) for domain
    /// "test" to every subscribed client. A benchmark-only meaning; libvirt's call sets the autostart flag.
    /// </summary>
    public override ValueTask DomainSetAutostartAsync(ServerCall call, DomainSetAutostartArgs args)
    {
        var message = new DomainEventCallbackLifecycleMsg { Msg = new DomainEventLifecycleMsg { Dom = TestDomain, Event = 3, Detail = 0 } };
        for (int i = 0; i < args.Autostart; i++)
        {
            call.Server.Events.PublishDomainEvent(0, TestDomain.Uuid, message);
        }

        return default;
    }

    private static byte[] CreateChunk()
    {
        // Non-zero bytes, so nothing along the way can treat the data as a hole.
        var chunk = new byte[262_120];
        for (int i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)(i * 31 + 7);
        }

        return chunk;
    }
}
