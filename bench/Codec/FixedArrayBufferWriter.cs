using System.Buffers;

namespace LibvirtRemote.Bench.Codec;

/// <summary>
/// The smallest possible <see cref="IBufferWriter{T}"/>: one preallocated array, rewound with <see cref="Reset"/>.
/// Used to measure the codec alone, with no segment bookkeeping in the output.
/// </summary>
public sealed class FixedArrayBufferWriter(int capacity) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _written;

    /// <summary>The bytes written since the last <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public int WrittenCount => _written;

    public void Reset() => _written = 0;

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsSpan(_written);
    }

    // The IBufferWriter contract: hand out at least sizeHint bytes or fail. XdrWriter asks for at least
    // 4096 bytes whenever it needs room, so the capacity must be at least that even for a 60-byte frame.
    private void EnsureRoom(int sizeHint)
    {
        if (_buffer.Length - _written < Math.Max(sizeHint, 1))
        {
            throw new InvalidOperationException($"Fixed buffer of {_buffer.Length} bytes has {_buffer.Length - _written} free, {sizeHint} requested");
        }
    }
}
