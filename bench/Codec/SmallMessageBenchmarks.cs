using BenchmarkDotNet.Attributes;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Bench.Codec;

/// <summary>
/// A small fixed-size reply: <c>remote_domain_get_info_ret</c> (32 bytes), alone and as a whole 60-byte frame
/// (length word + header + body). Every method here should allocate nothing.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class SmallMessageBenchmarks : IWireSize
{
    private readonly FixedArrayBufferWriter _fixed = new(4096);
    private readonly PooledBufferWriter _pooled = new();
    private DomainGetInfoRet _info;
    private VirNetMessageHeader _header;
    private byte[] _body = [];
    private byte[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        _info = new DomainGetInfoRet
        {
            State = 1,
            MaxMem = 8UL << 20,
            Memory = 4UL << 20,
            NrVirtCpu = 4,
            CpuTime = 123_456_789_012UL,
        };
        _header = Frame.ReplyHeader(Procedure.DomainGetInfo, serial: 42);
        _body = Frame.EncodeBody(_info);
        var output = new FixedArrayBufferWriter(4096);
        Frame.Write(output, _header, _info);
        _frame = output.WrittenSpan.ToArray();

        // Check what is measured: 4 + 24 + 32 bytes, and the frame reads back to the same values.
        DomainGetInfoRet back = Frame.Read<DomainGetInfoRet>(_frame, out VirNetMessageHeader header);
        if (_frame.Length != 60 || back.CpuTime != _info.CpuTime || back.NrVirtCpu != _info.NrVirtCpu || header.Serial != 42)
        {
            throw new InvalidOperationException("DomainGetInfoRet frame does not round-trip");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _pooled.Dispose();

    public int WireBytes(string benchmarkMethod) => benchmarkMethod.Contains("Frame", StringComparison.Ordinal) ? _frame.Length : _body.Length;

    [Benchmark]
    public long EncodeBody_FixedArray()
    {
        _fixed.Reset();
        var writer = new XdrWriter(_fixed);
        _info.Encode(ref writer);
        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public DomainGetInfoRet DecodeBody()
    {
        var reader = new XdrReader(_body);
        return DomainGetInfoRet.Decode(ref reader);
    }

    [Benchmark]
    public long EncodeFrame_FixedArray()
    {
        _fixed.Reset();
        return Frame.Write(_fixed, _header, _info);
    }

    [Benchmark]
    public long EncodeFrame_Pooled()
    {
        _pooled.Reset();
        return Frame.Write(_pooled, _header, _info);
    }

    [Benchmark]
    public DomainGetInfoRet DecodeFrame() => Frame.Read<DomainGetInfoRet>(_frame, out _);
}
