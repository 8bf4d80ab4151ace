using System.Buffers;

namespace LibvirtRemote.Xdr;

/// <summary>
/// A growable in-memory <see cref="IBufferWriter{T}"/> over pooled segments. Unlike
/// <see cref="ArrayBufferWriter{T}"/> it never moves bytes it has handed out, so a caller may keep a slot
/// (a frame's length word) and fill it after writing what follows. The content is read back as a
/// <see cref="ReadOnlySequence{T}"/> without copying.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int DefaultSegmentSize = 4096;
    private readonly List<Segment> _segments = [];
    private int _current = -1;

    /// <summary>Bytes written.</summary>
    public long Length { get; private set; }

    /// <inheritdoc/>
    public void Advance(int count)
    {
        if (_current < 0 || count < 0 || _segments[_current].Written + count > _segments[_current].Array.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _segments[_current].Written += count;
        Length += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Segment segment = Ensure(Math.Max(sizeHint, 1));
        return segment.Array.AsMemory(segment.Written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Segment segment = Ensure(Math.Max(sizeHint, 1));
        return segment.Array.AsSpan(segment.Written);
    }

    /// <summary>The bytes written, as a sequence over the segments (valid until the next write or reset).</summary>
    public ReadOnlySequence<byte> AsSequence()
    {
        Segment? first = null;
        Segment? last = null;
        for (int i = 0; i <= _current; i++)
        {
            Segment segment = _segments[i];
            if (segment.Written == 0)
            {
                continue;
            }

            segment.Link(last);
            first ??= segment;
            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Written);
    }

    /// <summary>Copies the bytes written into a new array.</summary>
    public byte[] ToArray() => AsSequence().ToArray();

    /// <summary>Forgets the content and keeps the segments for reuse.</summary>
    public void Reset()
    {
        foreach (Segment segment in _segments)
        {
            segment.Written = 0;
        }

        _current = _segments.Count > 0 ? 0 : -1;
        Length = 0;
    }

    /// <summary>
    /// Forgets the content and returns the segments' memory to the pool, keeping the writer usable: it rents again
    /// on the next write. For a writer that sits idle most of the time (one per connection), so idle owners hold no
    /// buffers.
    /// </summary>
    public void ReleaseBuffers()
    {
        foreach (Segment segment in _segments)
        {
            segment.Release();
        }

        _current = _segments.Count > 0 ? 0 : -1;
        Length = 0;
    }

    /// <summary>Returns the segments to the pool.</summary>
    public void Dispose()
    {
        foreach (Segment segment in _segments)
        {
            segment.Release();
        }

        _segments.Clear();
        _current = -1;
        Length = 0;
    }

    private Segment Ensure(int size)
    {
        if (_current >= 0 && _segments[_current].Array.Length - _segments[_current].Written >= size)
        {
            return _segments[_current];
        }

        // Move to the next segment that is empty and large enough, or add one.
        while (++_current < _segments.Count)
        {
            if (_segments[_current].Written == 0 && _segments[_current].Array.Length >= size)
            {
                return _segments[_current];
            }

            if (_segments[_current].Written == 0)
            {
                _segments[_current].Replace(ArrayPool<byte>.Shared.Rent(Math.Max(size, DefaultSegmentSize)));
                return _segments[_current];
            }
        }

        var added = new Segment(ArrayPool<byte>.Shared.Rent(Math.Max(size, DefaultSegmentSize)));
        _segments.Add(added);
        _current = _segments.Count - 1;
        return added;
    }

    private sealed class Segment(byte[] array) : ReadOnlySequenceSegment<byte>
    {
        public byte[] Array { get; private set; } = array;

        public int Written { get; set; }

        /// <summary>Returns the current array to the pool (if it has one) and takes <paramref name="array"/> instead.</summary>
        public void Replace(byte[] array)
        {
            Release();
            Array = array;
        }

        /// <summary>Returns the array to the pool; the segment is empty until <see cref="Replace"/>.</summary>
        public void Release()
        {
            if (Array.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(Array);
                Array = [];
            }

            Written = 0;
            Memory = default;
        }

        public void Link(Segment? previous)
        {
            Memory = Array.AsMemory(0, Written);
            Next = null;
            RunningIndex = previous is null ? 0 : previous.RunningIndex + previous.Written;
            if (previous is not null)
            {
                previous.Next = this;
            }
        }
    }
}
