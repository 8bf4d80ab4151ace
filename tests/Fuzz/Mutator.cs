using System.Buffers.Binary;

namespace LibvirtRemote.Fuzz;

/// <summary>
/// Byte-level mutations of XDR-shaped inputs. Everything is driven by the <see cref="Random"/> it is given, so a
/// run is reproducible from its seed.
/// </summary>
public static class Mutator
{
    /// <summary>
    /// Values that sit on libvirt's limits or break arithmetic: zero, all ones, sign bits, the 32 MiB frame
    /// limit, REMOTE_STRING_MAX (4 MiB) and typical list maxima, each with its neighbours.
    /// </summary>
    private static readonly uint[] Interesting =
    [
        0, 1, 2, 3, 4, 7, 8, 16, 24, 27, 28, 29, 32, 33, 64, 255, 256, 1023, 1024, 1025, 4095, 4096, 4097,
        16384, 16385, 65535, 65536, 65537, 262120, 262144, 262145, 1048576, 1048577, 4194303, 4194304, 4194305,
        16777216, 33554431, 33554432, 33554433, 33554436, 33554437, 0x3fffffff, 0x40000000, 0x7ffffffe, 0x7fffffff,
        0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
    ];

    /// <summary>Applies 1 to 4 random mutations to a copy of <paramref name="input"/>.</summary>
    /// <param name="input">The input to start from (not changed).</param>
    /// <param name="other">Another input, for splicing.</param>
    /// <param name="random">The run's random source.</param>
    /// <param name="framed">The input starts with a libvirt length word; sometimes it is fixed up after the edits so the body is reached.</param>
    /// <param name="structure">A structure-aware mutation offered by the target, or null.</param>
    public static byte[] Mutate(byte[] input, byte[] other, Random random, bool framed, Func<byte[], byte[]?>? structure)
    {
        byte[] data = input;
        int rounds = 1 + (random.Next(8) == 0 ? random.Next(4) : 0);
        for (int i = 0; i < rounds; i++)
        {
            data = MutateOnce(data, other, random, structure);
        }

        if (framed && data.Length >= 4 && random.Next(3) != 0)
        {
            data = data == input ? (byte[])data.Clone() : data;
            BinaryPrimitives.WriteUInt32BigEndian(data, (uint)data.Length);
        }

        return data;
    }

    private static byte[] MutateOnce(byte[] data, byte[] other, Random random, Func<byte[], byte[]?>? structure)
    {
        int choice = random.Next(structure is null ? 10 : 12);
        if (choice >= 10)
        {
            byte[]? edited = structure!(data);
            if (edited is not null)
            {
                return edited;
            }

            choice = random.Next(10);
        }

        switch (choice)
        {
            case 0:
                return FlipBits(data, random);
            case 1:
            case 2:
                return SetWord(data, random);
            case 3:
                return AdjustWord(data, random);
            case 4:
                return Truncate(data, random);
            case 5:
                return Splice(data, other, random);
            case 6:
                return InsertWords(data, random);
            case 7:
                return DeleteRange(data, random);
            case 8:
                return DuplicateRange(data, random);
            default:
                return SetByte(data, random);
        }
    }

    private static byte[] FlipBits(byte[] data, Random random)
    {
        if (data.Length == 0)
        {
            return [(byte)random.Next(256)];
        }

        byte[] copy = (byte[])data.Clone();
        int flips = 1 + random.Next(4);
        for (int i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    private static byte[] SetByte(byte[] data, Random random)
    {
        if (data.Length == 0)
        {
            return [0];
        }

        byte[] copy = (byte[])data.Clone();
        byte[] values = [0, 0xff, 0x7f, 0x80, 0x01, (byte)',', (byte)'=', (byte)'"', (byte)'\n', (byte)'[', (byte)'/', (byte)'%'];
        copy[random.Next(copy.Length)] = values[random.Next(values.Length)];
        return copy;
    }

    /// <summary>Length and count edits: an aligned word set to 0, a limit, a limit plus one, or something huge.</summary>
    private static byte[] SetWord(byte[] data, Random random)
    {
        if (data.Length < 4)
        {
            return FlipBits(data, random);
        }

        byte[] copy = (byte[])data.Clone();
        int offset = PickWord(copy, random);
        uint value = random.Next(4) == 0 ? (uint)random.Next(0, 600) : Interesting[random.Next(Interesting.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    private static byte[] AdjustWord(byte[] data, Random random)
    {
        if (data.Length < 4)
        {
            return FlipBits(data, random);
        }

        byte[] copy = (byte[])data.Clone();
        int offset = PickWord(copy, random);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(offset));
        value = unchecked(value + (uint)(random.Next(-8, 9)));
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    /// <summary>Prefers words that look like lengths or counts (small values): those are the ones decoders trust.</summary>
    private static int PickWord(byte[] data, Random random)
    {
        int words = data.Length / 4;
        for (int attempt = 0; attempt < 4; attempt++)
        {
            int offset = random.Next(words) * 4;
            uint value = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            if (value is > 0 and < 0x10000)
            {
                return offset;
            }
        }

        return random.Next(words) * 4;
    }

    private static byte[] Truncate(byte[] data, Random random)
    {
        if (data.Length == 0)
        {
            return data;
        }

        int keep = random.Next(2) == 0 ? random.Next(data.Length) : random.Next(data.Length / 4 + 1) * 4;
        return data.AsSpan(0, Math.Min(keep, data.Length)).ToArray();
    }

    private static byte[] Splice(byte[] data, byte[] other, Random random)
    {
        int cutA = random.Next(data.Length + 1);
        int cutB = random.Next(other.Length + 1);
        if (random.Next(2) == 0)
        {
            cutA &= ~3;
            cutB &= ~3;
        }

        return [.. data.AsSpan(0, cutA), .. other.AsSpan(cutB)];
    }

    private static byte[] InsertWords(byte[] data, Random random)
    {
        int at = random.Next(data.Length / 4 + 1) * 4;
        int words = 1 + random.Next(4);
        byte[] insert = new byte[words * 4];
        for (int i = 0; i < words; i++)
        {
            uint value = random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (uint)random.Next();
            BinaryPrimitives.WriteUInt32BigEndian(insert.AsSpan(i * 4), value);
        }

        return [.. data.AsSpan(0, at), .. insert, .. data.AsSpan(at)];
    }

    private static byte[] DeleteRange(byte[] data, Random random)
    {
        if (data.Length == 0)
        {
            return data;
        }

        int at = random.Next(data.Length);
        int count = 1 + random.Next(Math.Min(16, data.Length - at));
        if (random.Next(2) == 0)
        {
            at &= ~3;
            count = Math.Min(((count + 3) / 4) * 4, data.Length - at);
        }

        return [.. data.AsSpan(0, at), .. data.AsSpan(at + count)];
    }

    private static byte[] DuplicateRange(byte[] data, Random random)
    {
        if (data.Length == 0 || data.Length > 1 << 20)
        {
            return data;
        }

        int at = random.Next(data.Length);
        int count = 1 + random.Next(Math.Min(64, data.Length - at));
        return [.. data.AsSpan(0, at + count), .. data.AsSpan(at, count), .. data.AsSpan(at + count)];
    }
}
