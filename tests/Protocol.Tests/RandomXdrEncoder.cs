using System.Buffers.Binary;
using LibvirtRemote.XdrGen;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>
/// Writes a random but valid XDR encoding of a schema type, straight from the parsed .x definitions
/// (independent of the generated code). Lengths are capped at 8 and array counts at 3 to stay small.
/// </summary>
internal sealed class RandomXdrEncoder(Schema schema, int seed)
{
    private const int MaxDepth = 12;
    private readonly Random _random = new(seed);
    private readonly List<byte> _bytes = [];

    public byte[] Encode(Definition definition)
    {
        _bytes.Clear();
        WriteDefinition(definition, 0);
        return _bytes.ToArray();
    }

    private void WriteDefinition(Definition definition, int depth)
    {
        switch (definition)
        {
            case EnumDefinition e:
                Word(schema.Evaluate(e.Members[_random.Next(e.Members.Count)].Value));
                break;
            case StructDefinition s:
                foreach (Declaration field in s.Fields)
                {
                    Write(schema.Resolve(field), depth + 1);
                }

                break;
            case UnionDefinition u:
                WriteUnion(u, depth);
                break;
            default:
                throw new InvalidOperationException($"{definition.Name} is not a struct, union or enum");
        }
    }

    private void WriteUnion(UnionDefinition u, int depth)
    {
        WireType discriminantType = schema.Resolve(u.Discriminant);
        var taken = u.Arms.SelectMany(a => a.Cases).Select(schema.Evaluate).ToHashSet();
        int choices = u.Arms.Count + (u.Default is null ? 0 : 1);
        int pick = _random.Next(choices);
        Declaration arm;
        long discriminant;
        if (pick < u.Arms.Count)
        {
            IReadOnlyList<string> cases = u.Arms[pick].Cases;
            discriminant = schema.Evaluate(cases[_random.Next(cases.Count)]);
            arm = u.Arms[pick].Declaration;
        }
        else
        {
            discriminant = DefaultDiscriminant(discriminantType, taken);
            arm = u.Default!;
        }

        Word(discriminant);
        if (arm.Kind != DeclKind.Void)
        {
            Write(schema.Resolve(arm), depth + 1);
        }
    }

    private long DefaultDiscriminant(WireType type, HashSet<long> taken)
    {
        if (type is NamedType { Definition: EnumDefinition e })
        {
            long[] free = e.Members.Select(m => schema.Evaluate(m.Value)).Where(v => !taken.Contains(v)).ToArray();
            if (free.Length > 0)
            {
                return free[_random.Next(free.Length)];
            }
        }

        long value;
        do
        {
            value = type is PrimitiveType { Kind: Primitive.Bool } ? _random.Next(2) : _random.Next(-1000, 1000);
        }
        while (taken.Contains(value));
        return value;
    }

    private void Write(WireType type, int depth)
    {
        switch (type)
        {
            case PrimitiveType p:
                WritePrimitive(p.Kind);
                break;
            case StringType s:
                WriteData(Length(s.Max, 8), printable: true);
                break;
            case OpaqueType { Fixed: true } o:
                WriteData((int)schema.Evaluate(o.Size!), printable: false, withLength: false);
                break;
            case OpaqueType o:
                WriteData(Length(o.Size, 8), printable: false);
                break;
            case CharArrayType c:
                int chars = c.Fixed ? (int)schema.Evaluate(c.Size!) : Length(c.Size, 8);
                if (!c.Fixed)
                {
                    Word(chars);
                }

                for (int i = 0; i < chars; i++)
                {
                    // C XDR writes char as a sign-extended word and unsigned char as a zero-extended one.
                    Word(c.Signed ? (sbyte)_random.Next(256) : _random.Next(256));
                }

                break;
            case NamedType n:
                WriteDefinition(n.Definition, depth);
                break;
            case ArrayType a:
                int count = a.Fixed ? (int)schema.Evaluate(a.Size!) : depth > MaxDepth ? 0 : Length(a.Size, 3);
                if (!a.Fixed)
                {
                    Word(count);
                }

                for (int i = 0; i < count; i++)
                {
                    Write(a.Element, depth + 1);
                }

                break;
            case OptionalType o:
                bool present = depth <= MaxDepth && _random.Next(2) == 1;
                Word(present ? 1 : 0);
                if (present)
                {
                    Write(o.Element, depth + 1);
                }

                break;
            default:
                throw new InvalidOperationException(type.ToString());
        }
    }

    private void WritePrimitive(Primitive kind)
    {
        switch (kind)
        {
            case Primitive.Int or Primitive.UInt:
                Word(_random.Next(4) == 0 ? _random.Next(-2, 3) : (int)_random.NextInt64(int.MinValue, (long)int.MaxValue + 1));
                break;
            case Primitive.Hyper or Primitive.UHyper:
                Hyper(_random.NextInt64(long.MinValue, long.MaxValue));
                break;
            case Primitive.Float:
                int bits;
                do
                {
                    bits = (int)_random.NextInt64(int.MinValue, (long)int.MaxValue + 1);
                }
                while (float.IsNaN(BitConverter.Int32BitsToSingle(bits)));
                Word(bits);
                break;
            case Primitive.Double:
                long dbits;
                do
                {
                    dbits = _random.NextInt64(long.MinValue, long.MaxValue);
                }
                while (double.IsNaN(BitConverter.Int64BitsToDouble(dbits)));
                Hyper(dbits);
                break;
            case Primitive.Bool:
                Word(_random.Next(2));
                break;
            case Primitive.Char:
                Word((sbyte)_random.Next(256));
                break;
            case Primitive.UChar:
                Word(_random.Next(256));
                break;
            case Primitive.Short:
                Word((short)_random.Next(65536));
                break;
            case Primitive.UShort:
                Word(_random.Next(65536));
                break;
            default:
                throw new InvalidOperationException(kind.ToString());
        }
    }

    private int Length(string? max, int cap)
    {
        long limit = max is null ? cap : Math.Min(schema.Evaluate(max), cap);
        return _random.Next((int)limit + 1);
    }

    private void WriteData(int length, bool printable, bool withLength = true)
    {
        if (withLength)
        {
            Word(length);
        }

        for (int i = 0; i < length; i++)
        {
            _bytes.Add(printable ? (byte)_random.Next(0x20, 0x7f) : (byte)_random.Next(256));
        }

        for (int i = length; (i & 3) != 0; i++)
        {
            _bytes.Add(0);
        }
    }

    private void Word(long value)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, unchecked((int)value));
        _bytes.AddRange(word);
    }

    private void Hyper(long value)
    {
        Span<byte> words = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(words, value);
        _bytes.AddRange(words);
    }
}
