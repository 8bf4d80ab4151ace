using System.Globalization;
using BenchmarkDotNet.Attributes;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Bench.Codec;

/// <summary>
/// <c>remote_node_get_memory_parameters_ret</c> with 64 typed parameters (its declared maximum,
/// REMOTE_NODE_MEMORY_PARAMETERS_MAX), cycling through all seven value types: int, uint, llong, ullong,
/// double, boolean, string.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class TypedParamBenchmarks : IWireSize
{
    private const int Count = RemoteProtocol.RemoteNodeMemoryParametersMax;
    private readonly PooledBufferWriter _pooled = new();
    private readonly FixedArrayBufferWriter _fixed = new(16 * 1024);
    private NodeGetMemoryParametersRet _params;
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var items = new TypedParam[Count];
        for (int i = 0; i < items.Length; i++)
        {
            int type = i % 7 + 1;
            var value = new TypedParamValue { Type = type };
            switch (type)
            {
                case LibvirtConstants.VirTypedParamInt: value.I = -i * 1000; break;
                case LibvirtConstants.VirTypedParamUint: value.Ui = (uint)i * 4096; break;
                case LibvirtConstants.VirTypedParamLlong: value.L = -(long)i << 40; break;
                case LibvirtConstants.VirTypedParamUllong: value.Ul = (ulong)i << 44; break;
                case LibvirtConstants.VirTypedParamDouble: value.D = i * 0.125; break;
                case LibvirtConstants.VirTypedParamBoolean: value.B = i & 1; break;
                default: value.S = "value-" + i.ToString(CultureInfo.InvariantCulture); break;
            }

            items[i] = new TypedParam { Field = "shm_param_" + i.ToString(CultureInfo.InvariantCulture), Value = value };
        }

        _params = new NodeGetMemoryParametersRet { Params = items, Nparams = Count };
        _body = Frame.EncodeBody(_params);

        NodeGetMemoryParametersRet back = Decode_Span();
        for (int i = 0; i < Count; i++)
        {
            if (!back.Params[i].Value.Equals(items[i].Value) || back.Params[i].Field != items[i].Field)
            {
                throw new InvalidOperationException($"Typed parameter {i} does not round-trip");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _pooled.Dispose();

    public int WireBytes(string benchmarkMethod) => _body.Length;

    [Benchmark]
    public long Encode_Pooled()
    {
        _pooled.Reset();
        var writer = new XdrWriter(_pooled);
        _params.Encode(ref writer);
        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public long Encode_FixedArray()
    {
        _fixed.Reset();
        var writer = new XdrWriter(_fixed);
        _params.Encode(ref writer);
        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public NodeGetMemoryParametersRet Decode_Span()
    {
        var reader = new XdrReader(_body);
        return NodeGetMemoryParametersRet.Decode(ref reader);
    }
}
