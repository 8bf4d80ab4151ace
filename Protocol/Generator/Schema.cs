using System.Globalization;

namespace LibvirtRemote.XdrGen;

/// <summary>All definitions of a set of .x files, with names and constants resolved.</summary>
public sealed class Schema
{
    private readonly Dictionary<string, Definition> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _minSizes = new(StringComparer.Ordinal);

    /// <summary>Builds a schema from files given as (name, text), read in order.</summary>
    public Schema(IEnumerable<(string File, string Text)> files)
    {
        foreach ((string file, string text) in files)
        {
            List<Definition> parsed = Parser.Parse(text, file);
            Files.Add((file, parsed));
            foreach (Definition definition in parsed)
            {
                if (!_byName.TryAdd(definition.Name, definition))
                {
                    throw new FormatException($"{file}: '{definition.Name}' is defined twice");
                }

                if (definition is EnumDefinition enumeration)
                {
                    foreach (EnumMember member in enumeration.Members)
                    {
                        if (_values.ContainsKey(member.Name))
                        {
                            throw new FormatException($"{file}: enum member '{member.Name}' is defined twice");
                        }

                        _values[member.Name] = Evaluate(member.Value);
                    }
                }
            }
        }

        foreach (ConstDefinition constant in Files.SelectMany(f => f.Definitions).OfType<ConstDefinition>())
        {
            _values[constant.Name] = Evaluate(constant.Value);
        }
    }

    /// <summary>The files in input order, each with its definitions in source order.</summary>
    public List<(string File, List<Definition> Definitions)> Files { get; } = [];

    /// <summary>Finds a definition by its .x name.</summary>
    public Definition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Numeric value of a literal or a constant / enum member name.</summary>
    public long Evaluate(string value)
    {
        if (_values.TryGetValue(value, out long known))
        {
            return known;
        }

        if (_byName.TryGetValue(value, out Definition? definition) && definition is ConstDefinition constant)
        {
            long resolved = Evaluate(constant.Value);
            _values[value] = resolved;
            return resolved;
        }

        bool negative = value.StartsWith('-');
        string digits = negative ? value[1..] : value;
        long number;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            number = long.Parse(digits[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        else if (digits.Length > 1 && digits.StartsWith('0'))
        {
            number = Convert.ToInt64(digits, 8);
        }
        else if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            throw new FormatException($"unknown constant '{value}'");
        }

        return negative ? -number : number;
    }

    /// <summary>Resolves a declaration to its wire type, expanding typedefs.</summary>
    public WireType Resolve(Declaration declaration)
    {
        string type = declaration.TypeName;
        switch (type)
        {
            case "opaque":
                return declaration.Kind switch
                {
                    DeclKind.FixedArray => new OpaqueType(true, declaration.Size),
                    DeclKind.VarArray => new OpaqueType(false, declaration.Size),
                    _ => throw new FormatException($"opaque '{declaration.Name}' needs a size"),
                };
            case "string":
                return declaration.Kind == DeclKind.VarArray
                    ? new StringType(declaration.Size)
                    : throw new FormatException($"string '{declaration.Name}' needs <max>");
            case "char" or "unsigned char" when declaration.Kind is DeclKind.FixedArray or DeclKind.VarArray:
                return new CharArrayType(type == "char", declaration.Kind == DeclKind.FixedArray, declaration.Size);
        }

        WireType element = ResolveBase(type);
        return declaration.Kind switch
        {
            DeclKind.Scalar => element,
            DeclKind.Optional => new OptionalType(element),
            DeclKind.FixedArray => new ArrayType(element, true, declaration.Size),
            DeclKind.VarArray => new ArrayType(element, false, declaration.Size),
            _ => throw new FormatException($"void has no type"),
        };
    }

    /// <summary>Smallest encoding, in bytes, of any value of <paramref name="type"/>.</summary>
    public int MinSize(WireType type) => type switch
    {
        PrimitiveType p => p.Kind is Primitive.Hyper or Primitive.UHyper or Primitive.Double ? 8 : 4,
        StringType or OptionalType => 4,
        OpaqueType o => o.Fixed ? (int)((Evaluate(o.Size!) + 3) & ~3) : 4,
        CharArrayType c => c.Fixed ? 4 * (int)Evaluate(c.Size!) : 4,
        ArrayType a => a.Fixed ? (int)Evaluate(a.Size!) * MinSize(a.Element) : 4,
        NamedType n => MinSize(n.Definition),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Smallest encoding, in bytes, of a defined type.</summary>
    public int MinSize(Definition definition)
    {
        if (_minSizes.TryGetValue(definition.Name, out int cached))
        {
            return cached;
        }

        int size = definition switch
        {
            EnumDefinition => 4,
            StructDefinition s => s.Fields.Sum(f => MinSize(Resolve(f))),
            UnionDefinition u => 4 + u.Arms.Select(a => a.Declaration).Append(u.Default)
                .Where(d => d is not null)
                .Select(d => d!.Kind == DeclKind.Void ? 0 : MinSize(Resolve(d)))
                .DefaultIfEmpty(0)
                .Min(),
            _ => throw new InvalidOperationException(definition.Name),
        };
        _minSizes[definition.Name] = size;
        return size;
    }

    private WireType ResolveBase(string type) => type switch
    {
        "int" => new PrimitiveType(Primitive.Int),
        "unsigned int" => new PrimitiveType(Primitive.UInt),
        "hyper" => new PrimitiveType(Primitive.Hyper),
        "unsigned hyper" => new PrimitiveType(Primitive.UHyper),
        "float" => new PrimitiveType(Primitive.Float),
        "double" => new PrimitiveType(Primitive.Double),
        "bool" => new PrimitiveType(Primitive.Bool),
        "char" => new PrimitiveType(Primitive.Char),
        "unsigned char" => new PrimitiveType(Primitive.UChar),
        "short" => new PrimitiveType(Primitive.Short),
        "unsigned short" => new PrimitiveType(Primitive.UShort),
        _ => _byName.TryGetValue(type, out Definition? definition)
            ? definition switch
            {
                TypedefDefinition typedef => Resolve(typedef.Declaration),
                EnumDefinition or StructDefinition or UnionDefinition => new NamedType(definition),
                _ => throw new FormatException($"'{type}' is not a type"),
            }
            : throw new FormatException($"unknown type '{type}'"),
    };
}
