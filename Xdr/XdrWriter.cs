using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace LibvirtRemote.Xdr;

/// <summary>
/// Appends RFC 4506 XDR items to an <see cref="IBufferWriter{T}"/>. Bytes are staged in the span the
/// output handed out and committed with <see cref="Flush"/> (or when more room is needed), so small items
/// cost a bounds check and a store. Call <see cref="Flush"/> before using the output.
/// </summary>
public ref struct XdrWriter
{
    private const int MinimumChunk = 4096;
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;
    private long _committed;

    /// <summary>Writes into <paramref name="output"/>.</summary>
    public XdrWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = default;
        _buffered = 0;
        _committed = 0;
    }

    /// <summary>Bytes written so far, committed or staged.</summary>
    public readonly long BytesWritten => _committed + _buffered;

    /// <summary>Commits staged bytes to the output.</summary>
    public void Flush()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _committed += _buffered;
            _buffered = 0;
        }

        _span = default;
    }

    /// <summary>Writes a signed 32-bit integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    /// <summary>Writes an unsigned 32-bit integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    /// <summary>Writes a signed 64-bit integer (XDR hyper).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    /// <summary>Writes an unsigned 64-bit integer (XDR unsigned hyper).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);

    /// <summary>Writes a single-precision float.</summary>
    public void WriteSingle(float value) => WriteInt32(BitConverter.SingleToInt32Bits(value));

    /// <summary>Writes a double-precision float.</summary>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Writes a boolean as 0 or 1.</summary>
    public void WriteBool(bool value) => WriteUInt32(value ? 1u : 0u);

    /// <summary>Writes the presence flag of optional data.</summary>
    public void WriteOptionalFlag(bool present) => WriteUInt32(present ? 1u : 0u);

    /// <summary>Writes a C <c>char</c> as a sign-extended word, as C XDR libraries do.</summary>
    public void WriteChar(sbyte value) => WriteInt32(value);

    /// <summary>Writes a C <c>unsigned char</c> as a word.</summary>
    public void WriteUChar(byte value) => WriteUInt32(value);

    /// <summary>Writes a C <c>short</c> as a sign-extended word.</summary>
    public void WriteInt16(short value) => WriteInt32(value);

    /// <summary>Writes a C <c>unsigned short</c> as a word.</summary>
    public void WriteUInt16(ushort value) => WriteUInt32(value);

    /// <summary>Writes the count of a variable-length array after checking it against <paramref name="max"/>.</summary>
    public void WriteArrayCount(int count, uint max)
    {
        if ((uint)count > max)
        {
            throw new XdrException(XdrErrorKind.LengthExceedsMaximum, $"Array count {count} exceeds the maximum {max}");
        }

        WriteUInt32((uint)count);
    }

    /// <summary>Checks that a fixed-length array has exactly <paramref name="expected"/> elements.</summary>
    public static void CheckFixedLength(int actual, int expected)
    {
        if (actual != expected)
        {
            throw new XdrException(XdrErrorKind.FixedLengthMismatch, $"Fixed-length item has {actual} elements, the definition requires {expected}");
        }
    }

    /// <summary>Writes variable-length opaque data; <see langword="null"/> is written as empty.</summary>
    public void WriteOpaque(ReadOnlySpan<byte> data, uint max)
    {
        if ((uint)data.Length > max)
        {
            throw new XdrException(XdrErrorKind.LengthExceedsMaximum, $"Opaque length {data.Length} exceeds the maximum {max}");
        }

        WriteUInt32((uint)data.Length);
        WritePadded(data);
    }

    /// <summary>
    /// Writes fixed-length opaque data. <see langword="null"/> (an unset field) is written as zeros;
    /// any other length than <paramref name="length"/> is an error.
    /// </summary>
    public void WriteFixedOpaque(byte[]? data, int length)
    {
        if (data is null)
        {
            Reserve(Padded(length)).Clear();
            return;
        }

        CheckFixedLength(data.Length, length);
        WritePadded(data);
    }

    /// <summary>Writes a string as UTF-8 bytes; <see langword="null"/> is written as empty.</summary>
    public void WriteString(string? value, uint max)
    {
        value ??= string.Empty;
        int length = Encoding.UTF8.GetByteCount(value);
        if ((uint)length > max)
        {
            throw new XdrException(XdrErrorKind.LengthExceedsMaximum, $"String length {length} exceeds the maximum {max}");
        }

        WriteUInt32((uint)length);
        int padded = Padded(length);
        if (padded <= 1 << 16 || _span.Length - _buffered >= padded)
        {
            Span<byte> target = Reserve(padded);
            int written = Encoding.UTF8.GetBytes(value, target);
            target.Slice(written).Clear();
            return;
        }

        WriteLargeString(value, length);
    }

    /// <summary>Writes <c>char name[N]</c>: one sign-extended word per character.</summary>
    public void WriteFixedCharArray(byte[]? chars, int count, bool signed)
    {
        if (chars is null)
        {
            Reserve(4 * count).Clear();
            return;
        }

        CheckFixedLength(chars.Length, count);
        WriteCharWords(chars, signed);
    }

    /// <summary>Writes <c>char name&lt;N&gt;</c>: a count, then one word per character.</summary>
    public void WriteCharArray(ReadOnlySpan<byte> chars, uint max, bool signed)
    {
        WriteArrayCount(chars.Length, max);
        WriteCharWords(chars, signed);
    }

    /// <summary>Writes a variable-length array of a generated type; <see langword="null"/> is written as empty.</summary>
    public void WriteArray<T>(T[]? items, uint max)
        where T : IXdrType<T>
    {
        items ??= [];
        WriteArrayCount(items.Length, max);
        for (int i = 0; i < items.Length; i++)
        {
            items[i].Encode(ref this);
        }
    }

    /// <summary>Writes a fixed-length array of a generated type.</summary>
    public void WriteFixedArray<T>(T[]? items, int count)
        where T : IXdrType<T>
    {
        items ??= new T[count];
        CheckFixedLength(items.Length, count);
        for (int i = 0; i < items.Length; i++)
        {
            items[i].Encode(ref this);
        }
    }

    /// <summary>Writes optional data of a generated value type.</summary>
    public void WriteOptional<T>(T? value)
        where T : struct, IXdrType<T>
    {
        WriteOptionalFlag(value.HasValue);
        if (value.HasValue)
        {
            value.GetValueOrDefault().Encode(ref this);
        }
    }

    /// <summary>Writes raw bytes followed by zero padding to a multiple of four.</summary>
    public void WritePadded(ReadOnlySpan<byte> data)
    {
        WriteRaw(data);
        int pad = (4 - (data.Length & 3)) & 3;
        if (pad > 0)
        {
            Reserve(pad).Clear();
        }
    }

    /// <summary>Writes raw bytes with no length and no padding (stream payloads).</summary>
    public void WriteRaw(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int free = _span.Length - _buffered;
            if (free == 0)
            {
                Grow(Math.Min(data.Length, 1 << 16));
                free = _span.Length - _buffered;
            }

            int take = Math.Min(free, data.Length);
            data.Slice(0, take).CopyTo(_span.Slice(_buffered));
            _buffered += take;
            data = data.Slice(take);
        }
    }

    /// <summary>Hands out <paramref name="count"/> contiguous bytes to fill in place, counted as written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Reserve(int count)
    {
        if (_span.Length - _buffered < count)
        {
            Grow(count);
        }

        Span<byte> slot = _span.Slice(_buffered, count);
        _buffered += count;
        return slot;
    }

    private static int Padded(int length) => (length + 3) & ~3;

    private void WriteCharWords(ReadOnlySpan<byte> chars, bool signed)
    {
        Span<byte> words = Reserve(4 * chars.Length);
        for (int i = 0; i < chars.Length; i++)
        {
            int word = signed ? unchecked((sbyte)chars[i]) : chars[i];
            BinaryPrimitives.WriteInt32BigEndian(words.Slice(4 * i), word);
        }
    }

    private void WriteLargeString(string value, int length)
    {
        Encoder encoder = Encoding.UTF8.GetEncoder();
        ReadOnlySpan<char> chars = value;
        while (!chars.IsEmpty)
        {
            if (_span.Length - _buffered < 16)
            {
                Grow(1 << 16);
            }

            encoder.Convert(chars, _span.Slice(_buffered), flush: true, out int used, out int written, out _);
            _buffered += written;
            chars = chars.Slice(used);
        }

        int pad = (4 - (length & 3)) & 3;
        if (pad > 0)
        {
            Reserve(pad).Clear();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        Flush();
        _span = _output.GetSpan(Math.Max(count, MinimumChunk));
    }
}
