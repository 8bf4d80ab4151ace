using System.Buffers;
using BenchmarkDotNet.Attributes;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Bench.Codec;

/// <summary>
/// <c>remote_connect_list_all_domains_ret</c> with 1000 domains (names of 9 to 16 bytes, so every padding
/// length occurs). Encoding writes about 37 KB; decoding allocates the array, 1000 names and 1000 UUIDs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class DomainListBenchmarks : IWireSize
{
    private const int Count = 1000;
    private readonly PooledBufferWriter _pooled = new();
    private readonly FixedArrayBufferWriter _fixed = new(64 * 1024);
    private readonly PooledBufferWriter _segmented = new();
    private ConnectListAllDomainsRet _list;
    private byte[] _body = [];
    private ReadOnlySequence<byte> _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var domains = new NonnullDomain[Count];
        for (int i = 0; i < domains.Length; i++)
        {
            byte[] uuid = new byte[16];
            random.NextBytes(uuid);
            domains[i] = new NonnullDomain
            {
                Name = $"guest-{i:D3}" + new string('x', i % 4 * 2 + random.Next(2)),
                Uuid = uuid,
                Id = i % 3 == 0 ? -1 : i + 1,
            };
        }

        _list = new ConnectListAllDomainsRet { Domains = domains, Ret = Count };
        _body = Frame.EncodeBody(_list);

        // The same bytes in 4 KiB pooled segments, as a reader of a socket would see them.
        // (Copied in 4 KiB pieces: XdrWriter.WriteRaw would ask for one span as large as the whole body.)
        for (int offset = 0; offset < _body.Length; offset += 4096)
        {
            int take = Math.Min(4096, _body.Length - offset);
            _body.AsSpan(offset, take).CopyTo(_segmented.GetSpan(4096));
            _segmented.Advance(take);
        }

        _sequence = _segmented.AsSequence();

        ConnectListAllDomainsRet back = Decode_Segmented();
        if (_sequence.IsSingleSegment || back.Domains.Length != Count || back.Domains[Count - 1].Name != domains[Count - 1].Name
            || !back.Domains[Count - 1].Uuid.AsSpan().SequenceEqual(domains[Count - 1].Uuid))
        {
            throw new InvalidOperationException("Domain list does not round-trip through a segmented sequence");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pooled.Dispose();
        _segmented.Dispose();
    }

    public int WireBytes(string benchmarkMethod) => _body.Length;

    [Benchmark]
    public long Encode_Pooled()
    {
        _pooled.Reset();
        var writer = new XdrWriter(_pooled);
        _list.Encode(ref writer);
        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public long Encode_FixedArray()
    {
        _fixed.Reset();
        var writer = new XdrWriter(_fixed);
        _list.Encode(ref writer);
        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public ConnectListAllDomainsRet Decode_Span()
    {
        var reader = new XdrReader(_body);
        return ConnectListAllDomainsRet.Decode(ref reader);
    }

    [Benchmark]
    public ConnectListAllDomainsRet Decode_Segmented()
    {
        var reader = new XdrReader(_sequence);
        return ConnectListAllDomainsRet.Decode(ref reader);
    }
}
