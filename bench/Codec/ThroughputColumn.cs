using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LibvirtRemote.Bench.Codec;

/// <summary>A benchmark class that can say how many wire bytes one operation of a given method encodes or decodes.</summary>
public interface IWireSize
{
    /// <summary>Bytes on the wire handled by one call of <paramref name="benchmarkMethod"/> (after global setup).</summary>
    int WireBytes(string benchmarkMethod);
}

/// <summary>Adds the "Bytes" (message size) and "MB/s" (10^6 bytes per second, from the mean) columns.</summary>
public sealed class ThroughputColumn(bool throughput) : IColumn
{
    public string Id => throughput ? "WireMBps" : "WireBytes";

    public string ColumnName => throughput ? "MB/s" : "Bytes";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => throughput ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => throughput
        ? "Wire bytes per operation divided by the mean time, in 10^6 bytes per second"
        : "Wire bytes encoded or decoded by one operation";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        int? bytes = WireBytes(benchmarkCase);
        if (bytes is null)
        {
            return "-";
        }

        if (!throughput)
        {
            return bytes.Value.ToString(CultureInfo.InvariantCulture);
        }

        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is > 0 ? (bytes.Value * 1000.0 / meanNs.Value).ToString("F1", CultureInfo.InvariantCulture) : "-";
    }

    private static int? WireBytes(BenchmarkCase benchmarkCase)
    {
        Type type = benchmarkCase.Descriptor.Type;
        if (!typeof(IWireSize).IsAssignableFrom(type))
        {
            return null;
        }

        var instance = (IWireSize)Activator.CreateInstance(type)!;
        MethodInfo? setup = benchmarkCase.Descriptor.GlobalSetupMethod;
        setup?.Invoke(instance, null);
        return instance.WireBytes(benchmarkCase.Descriptor.WorkloadMethod.Name);
    }
}

/// <summary>Shared configuration: the throughput columns on top of the defaults; classes add [MemoryDiagnoser].</summary>
public sealed class CodecConfig : ManualConfig
{
    public CodecConfig()
    {
        AddColumn(new ThroughputColumn(throughput: false), new ThroughputColumn(throughput: true));
    }
}
