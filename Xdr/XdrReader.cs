using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace LibvirtRemote.Xdr;

/// <summary>
/// Reads RFC 4506 XDR items from a span or a (possibly multi-segment) sequence.
/// </summary>
/// <remarks>
/// Every variable-length item is checked twice before anything is allocated: against the maximum its
/// definition declares, and against the bytes actually left in the input (a count of N elements needs at
/// least N times the element's smallest encoding). So no input can make the reader allocate much more
/// than its own length. Padding bytes are skipped without inspection unless <see cref="StrictPadding"/>
/// is set, which matches libvirt (its XDR library ignores them).
/// </remarks>
public ref struct XdrReader
{
    private readonly ReadOnlySequence<byte> _sequence;
    private readonly long _length;
    private ReadOnlySpan<byte> _span;
    private SequencePosition _next;
    private long _remaining;

    /// <summary>Reads from contiguous memory.</summary>
    public XdrReader(ReadOnlySpan<byte> data)
    {
        _sequence = default;
        _next = default;
        _span = data;
        _length = _remaining = data.Length;
    }

    /// <summary>Reads from a sequence; single-segment sequences take the same fast path as spans.</summary>
    public XdrReader(ReadOnlySequence<byte> data)
    {
        _sequence = data;
        _length = _remaining = data.Length;
        if (data.IsSingleSegment)
        {
            _span = data.FirstSpan;
            _next = default;
        }
        else
        {
            SequencePosition position = data.Start;
            data.TryGet(ref position, out ReadOnlyMemory<byte> first);
            _span = first.Span;
            _next = position;
        }
    }

    /// <summary>When set, non-zero padding bytes are rejected with <see cref="XdrErrorKind.NonZeroPadding"/>.</summary>
    public bool StrictPadding { get; set; }

    /// <summary>
    /// When set, any non-zero presence flag of optional data means "present", as libvirt's C decoder reads it; by
    /// default only 0 and 1 are accepted. A server uses this to answer exactly as libvirtd does.
    /// </summary>
    public bool LenientOptionalFlags { get; set; }

    /// <summary>Bytes not read yet.</summary>
    public readonly long Remaining => _remaining;

    /// <summary>Bytes read so far.</summary>
    public readonly long Position => _length - _remaining;

    /// <summary>Reads a signed 32-bit integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt32() => unchecked((int)ReadUInt32());

    /// <summary>Reads an unsigned 32-bit integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32()
    {
        if (_span.Length >= 4)
        {
            uint value = BinaryPrimitives.ReadUInt32BigEndian(_span);
            _span = _span.Slice(4);
            _remaining -= 4;
            return value;
        }

        Span<byte> word = stackalloc byte[4];
        ReadBytes(word);
        return BinaryPrimitives.ReadUInt32BigEndian(word);
    }

    /// <summary>Reads a signed 64-bit integer (XDR hyper).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadInt64() => unchecked((long)ReadUInt64());

    /// <summary>Reads an unsigned 64-bit integer (XDR unsigned hyper).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64()
    {
        if (_span.Length >= 8)
        {
            ulong value = BinaryPrimitives.ReadUInt64BigEndian(_span);
            _span = _span.Slice(8);
            _remaining -= 8;
            return value;
        }

        Span<byte> words = stackalloc byte[8];
        ReadBytes(words);
        return BinaryPrimitives.ReadUInt64BigEndian(words);
    }

    /// <summary>Reads a single-precision float.</summary>
    public float ReadSingle() => BitConverter.Int32BitsToSingle(ReadInt32());

    /// <summary>Reads a double-precision float.</summary>
    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>Reads a boolean; only 0 and 1 are valid.</summary>
    public bool ReadBool()
    {
        long at = Position;
        uint value = ReadUInt32();
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new XdrException(XdrErrorKind.InvalidBoolean, $"Boolean word is {value}, not 0 or 1", at),
        };
    }

    /// <summary>Reads the presence flag of optional data (<c>type *name</c>).</summary>
    public bool ReadOptionalFlag() => LenientOptionalFlags ? ReadUInt32() != 0 : ReadBool();

    /// <summary>Reads a C <c>char</c>, which XDR widens to a whole word.</summary>
    public sbyte ReadChar() => unchecked((sbyte)ReadUInt32());

    /// <summary>Reads a C <c>unsigned char</c>, which XDR widens to a whole word.</summary>
    public byte ReadUChar() => unchecked((byte)ReadUInt32());

    /// <summary>Reads a C <c>short</c>, which XDR widens to a whole word.</summary>
    public short ReadInt16() => unchecked((short)ReadUInt32());

    /// <summary>Reads a C <c>unsigned short</c>, which XDR widens to a whole word.</summary>
    public ushort ReadUInt16() => unchecked((ushort)ReadUInt32());

    /// <summary>
    /// Reads the count of a variable-length array and checks it against <paramref name="max"/> and against
    /// the bytes left, given that every element takes at least <paramref name="minElementSize"/> bytes.
    /// </summary>
    public int ReadArrayCount(uint max, int minElementSize)
    {
        long at = Position;
        uint count = ReadUInt32();
        if (count > max || count > int.MaxValue)
        {
            throw new XdrException(XdrErrorKind.LengthExceedsMaximum, $"Array count {count} exceeds the maximum {max}", at);
        }

        if ((long)count * minElementSize > _remaining)
        {
            throw new XdrException(
                XdrErrorKind.Truncated,
                $"Array count {count} needs at least {(long)count * minElementSize} bytes but only {_remaining} remain",
                at);
        }

        return (int)count;
    }

    /// <summary>Checks that <paramref name="count"/> fixed elements of at least <paramref name="minElementSize"/> bytes fit in what is left.</summary>
    public readonly void EnsureFixedArray(int count, int minElementSize)
    {
        if ((long)count * minElementSize > _remaining)
        {
            throw Truncated((long)count * minElementSize);
        }
    }

    /// <summary>Reads variable-length opaque data of at most <paramref name="max"/> bytes.</summary>
    public byte[] ReadOpaque(uint max)
    {
        int length = ReadDataLength(max, "Opaque");
        if (length == 0)
        {
            return [];
        }

        byte[] data = new byte[length];
        ReadBytes(data);
        SkipPadding(length);
        return data;
    }

    /// <summary>Reads fixed-length opaque data of exactly <paramref name="length"/> bytes.</summary>
    public byte[] ReadFixedOpaque(int length)
    {
        EnsureAvailable(Padded(length));
        byte[] data = length == 0 ? [] : new byte[length];
        ReadBytes(data);
        SkipPadding(length);
        return data;
    }

    /// <summary>Reads fixed-length opaque data into <paramref name="destination"/>.</summary>
    public void ReadFixedOpaque(scoped Span<byte> destination)
    {
        EnsureAvailable(Padded(destination.Length));
        ReadBytes(destination);
        SkipPadding(destination.Length);
    }

    /// <summary>Reads a string of at most <paramref name="max"/> bytes, decoded as UTF-8.</summary>
    public string ReadString(uint max)
    {
        int length = ReadDataLength(max, "String");
        if (length == 0)
        {
            return string.Empty;
        }

        string value;
        if (_span.Length >= length)
        {
            value = Encoding.UTF8.GetString(_span.Slice(0, length));
            _span = _span.Slice(length);
            _remaining -= length;
        }
        else
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                ReadBytes(rented.AsSpan(0, length));
                value = Encoding.UTF8.GetString(rented, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        SkipPadding(length);
        return value;
    }

    /// <summary>
    /// Reads <c>char name[N]</c> / <c>unsigned char name[N]</c>: XDR (and libvirt) put each character in its own
    /// 4-byte word, so N characters take 4·N bytes. The low byte of each word is kept.
    /// </summary>
    public byte[] ReadFixedCharArray(int count)
    {
        EnsureFixedArray(count, 4);
        byte[] chars = count == 0 ? [] : new byte[count];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = unchecked((byte)ReadUInt32());
        }

        return chars;
    }

    /// <summary>Reads <c>char name&lt;N&gt;</c>: a count, then one 4-byte word per character.</summary>
    public byte[] ReadCharArray(uint max)
    {
        int count = ReadArrayCount(max, 4);
        byte[] chars = count == 0 ? [] : new byte[count];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = unchecked((byte)ReadUInt32());
        }

        return chars;
    }

    /// <summary>Reads a variable-length array of a generated type.</summary>
    public T[] ReadArray<T>(uint max)
        where T : IXdrType<T>
    {
        int count = ReadArrayCount(max, T.MinEncodedSize);
        if (count == 0)
        {
            return [];
        }

        var items = new T[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = T.Decode(ref this);
        }

        return items;
    }

    /// <summary>Reads a fixed-length array of a generated type.</summary>
    public T[] ReadFixedArray<T>(int count)
        where T : IXdrType<T>
    {
        EnsureFixedArray(count, T.MinEncodedSize);
        var items = new T[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = T.Decode(ref this);
        }

        return items;
    }

    /// <summary>Reads optional data of a generated value type.</summary>
    public T? ReadOptional<T>()
        where T : struct, IXdrType<T>
        => ReadOptionalFlag() ? T.Decode(ref this) : null;

    /// <summary>Copies the next <paramref name="destination"/>.Length raw bytes (no padding handling).</summary>
    public void ReadBytes(scoped Span<byte> destination)
    {
        if (destination.Length > _remaining)
        {
            throw Truncated(destination.Length);
        }

        while (true)
        {
            int take = Math.Min(destination.Length, _span.Length);
            _span.Slice(0, take).CopyTo(destination);
            _span = _span.Slice(take);
            _remaining -= take;
            destination = destination.Slice(take);
            if (destination.IsEmpty)
            {
                return;
            }

            MoveToNextSegment();
        }
    }

    /// <summary>Skips <paramref name="count"/> raw bytes.</summary>
    public void Skip(long count)
    {
        if (count > _remaining)
        {
            throw Truncated(count);
        }

        while (count > 0)
        {
            int take = (int)Math.Min(count, _span.Length);
            _span = _span.Slice(take);
            _remaining -= take;
            count -= take;
            if (count > 0)
            {
                MoveToNextSegment();
            }
        }
    }

    /// <summary>Fails with <see cref="XdrErrorKind.TrailingBytes"/> unless every byte has been read.</summary>
    public readonly void EnsureEnd()
    {
        if (_remaining != 0)
        {
            throw new XdrException(XdrErrorKind.TrailingBytes, $"{_remaining} unexpected bytes after the end of the body", Position);
        }
    }

    /// <summary>Builds the error for an unknown union discriminant.</summary>
    public readonly XdrException InvalidDiscriminant(string union, long discriminant)
        => new(XdrErrorKind.InvalidDiscriminant, $"Discriminant {discriminant} selects no arm of union {union}", Position - 4);

    private static int Padded(int length) => (length + 3) & ~3;

    private int ReadDataLength(uint max, string what)
    {
        long at = Position;
        uint length = ReadUInt32();
        if (length > max || length > int.MaxValue - 3)
        {
            throw new XdrException(XdrErrorKind.LengthExceedsMaximum, $"{what} length {length} exceeds the maximum {max}", at);
        }

        EnsureAvailable(Padded((int)length));
        return (int)length;
    }

    private readonly void EnsureAvailable(long count)
    {
        if (count > _remaining)
        {
            throw Truncated(count);
        }
    }

    private void SkipPadding(int length)
    {
        int pad = (4 - (length & 3)) & 3;
        if (pad == 0)
        {
            return;
        }

        if (!StrictPadding)
        {
            Skip(pad);
            return;
        }

        long at = Position;
        Span<byte> padding = stackalloc byte[3];
        ReadBytes(padding.Slice(0, pad));
        if (padding.Slice(0, pad).ContainsAnyExcept((byte)0))
        {
            throw new XdrException(XdrErrorKind.NonZeroPadding, "Padding bytes are not zero", at);
        }
    }

    private void MoveToNextSegment()
    {
        while (_sequence.TryGet(ref _next, out ReadOnlyMemory<byte> memory))
        {
            if (!memory.IsEmpty)
            {
                _span = memory.Span;
                return;
            }
        }

        throw Truncated(1);
    }

    private readonly XdrException Truncated(long needed)
        => new(XdrErrorKind.Truncated, $"Needed {needed} more bytes but only {_remaining} remain", Position);
}
