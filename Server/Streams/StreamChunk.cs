namespace LibvirtRemote.Server.Streams;

/// <summary>What a client sent on an upload stream: data, a hole, or the end.</summary>
public readonly struct StreamChunk
{
    private StreamChunk(ReadOnlyMemory<byte> data, long hole, bool end)
    {
        Data = data;
        HoleLength = hole;
        IsEnd = end;
    }

    /// <summary>Bytes of data (empty for a hole or the end).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Length of a hole; 0 for data.</summary>
    public long HoleLength { get; }

    /// <summary>True once the client has finished the stream.</summary>
    public bool IsEnd { get; }

    /// <summary>True when this chunk is a hole.</summary>
    public bool IsHole => HoleLength > 0;

    internal static StreamChunk OfData(ReadOnlyMemory<byte> data) => new(data, 0, false);

    internal static StreamChunk OfHole(long length) => new(default, length, false);

    internal static StreamChunk End { get; } = new(default, 0, true);
}
