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

                        _values[member.Name] = At(file, member.Line, () => Evaluate(member.Value));
                    }
                }
            }
        }

        foreach (ConstDefinition constant in Files.SelectMany(f => f.Definitions).OfType<ConstDefinition>())
        {
            _values[constant.Name] = At(constant.File, constant.Line, () => Evaluate(constant.Value));
        }

        Validate();
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

        return TryParseLiteral(value, out long number) ? number : throw new FormatException($"unknown constant '{value}'");
    }

    /// <summary>Parses a numeric literal as XDR writes them: decimal, <c>0x</c> hex or leading-zero octal, optionally negative.</summary>
    public static bool TryParseLiteral(string value, out long number)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool negative = value.StartsWith('-');
        string digits = negative ? value[1..] : value;
        bool parsed;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            parsed = long.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
        }
        else if (digits.Length > 1 && digits.StartsWith('0'))
        {
            parsed = digits.All(c => c is >= '0' and <= '7');
            number = parsed ? Convert.ToInt64(digits, 8) : 0;
        }
        else
        {
            parsed = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number);
        }

        number = negative ? -number : number;
        return parsed;
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

    /// <summary>Runs <paramref name="action"/>, prefixing any error it reports with <c>file:line</c>.</summary>
    private static T At<T>(string file, int line, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FormatException e)
        {
            throw new FormatException($"{file}:{line}: {e.Message}", e);
        }
    }

    /// <summary>Checks that every declaration names a known type and every size a known constant, so errors point at the source.</summary>
    private void Validate()
    {
        foreach ((string file, List<Definition> definitions) in Files)
        {
            foreach (Definition definition in definitions)
            {
                IEnumerable<Declaration> declarations = definition switch
                {
                    TypedefDefinition t => [t.Declaration],
                    StructDefinition s => s.Fields,
                    UnionDefinition u => u.Arms.Select(a => a.Declaration).Append(u.Discriminant).Append(u.Default).OfType<Declaration>(),
                    _ => [],
                };
                foreach (Declaration declaration in declarations.Where(d => d.Kind != DeclKind.Void))
                {
                    At(file, declaration.Line, () => (declaration.Size is null ? 0 : Evaluate(declaration.Size), Resolve(declaration)));
                }

                if (definition is UnionDefinition union)
                {
                    foreach (UnionArm arm in union.Arms)
                    {
                        At(file, arm.Declaration.Line, () => arm.Cases.Select(Evaluate).ToList());
                    }
                }
            }
        }
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
