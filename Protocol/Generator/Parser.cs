namespace LibvirtRemote.XdrGen;

/// <summary>Parses the XDR language (RFC 4506 section 6) as libvirt's protocol files use it.</summary>
public sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly string _file;
    private int _pos;

    private Parser(List<Token> tokens, string file)
    {
        _tokens = tokens;
        _file = file;
    }

    /// <summary>Parses one file's definitions in order.</summary>
    public static List<Definition> Parse(string source, string file)
    {
        var parser = new Parser(Lexer.Tokenize(source, file), file);
        return parser.ParseSpecification();
    }

    private Token Current => _tokens[_pos];

    private List<Definition> ParseSpecification()
    {
        var definitions = new List<Definition>();
        while (true)
        {
            SkipAnnotations();
            if (Current.Kind == TokenKind.End)
            {
                return definitions;
            }

            int line = Current.Line;
            string keyword = ExpectIdentifier();
            Definition definition = keyword switch
            {
                "const" => ParseConst(),
                "typedef" => ParseTypedef(),
                "enum" => ParseEnum(ExpectIdentifier()),
                "struct" => ParseStruct(ExpectIdentifier()),
                "union" => ParseUnion(ExpectIdentifier()),
                _ => throw Error($"expected a definition, found '{keyword}'"),
            };
            Expect(";");
            definitions.Add(definition with { Line = line });
        }
    }

    private ConstDefinition ParseConst()
    {
        string name = ExpectIdentifier();
        Expect("=");
        return new ConstDefinition(name, _file, ExpectValue());
    }

    private TypedefDefinition ParseTypedef()
    {
        Declaration declaration = ParseDeclaration();
        if (declaration.Kind == DeclKind.Void)
        {
            throw Error("typedef of void");
        }

        return new TypedefDefinition(declaration.Name, _file, declaration);
    }

    private EnumDefinition ParseEnum(string name)
    {
        Expect("{");
        var members = new List<EnumMember>();
        long? next = 0;
        while (true)
        {
            string? annotation = null;
            while (Current.Kind == TokenKind.Annotation)
            {
                annotation = annotation is null ? Current.Text : annotation + " " + Current.Text;
                _pos++;
            }

            int line = Current.Line;
            string member = ExpectIdentifier();
            string value;
            if (Accept("="))
            {
                value = ExpectValue();
            }
            else if (next is long implicitValue)
            {
                // rpcgen's extension: a member without a value is the previous one plus 1 (the first is 0).
                value = implicitValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                throw new FormatException($"{_file}:{line}: enum member '{member}' needs an explicit value: the previous member's value is a constant name");
            }

            // Hex and octal literals count too; after a constant name the next value is unknown here.
            next = Schema.TryParseLiteral(value, out long numeric) ? numeric + 1 : null;
            members.Add(new EnumMember(member, value, annotation) { Line = line });
            if (Accept(","))
            {
                continue;
            }

            SkipAnnotations();
            Expect("}");
            return new EnumDefinition(name, _file, members);
        }
    }

    private StructDefinition ParseStruct(string name)
    {
        Expect("{");
        var fields = new List<Declaration>();
        while (!Accept("}"))
        {
            SkipAnnotations();
            Declaration field = ParseDeclaration();
            Expect(";");
            if (field.Kind != DeclKind.Void)
            {
                fields.Add(field);
            }
        }

        return new StructDefinition(name, _file, fields);
    }

    private UnionDefinition ParseUnion(string name)
    {
        ExpectKeyword("switch");
        Expect("(");
        Declaration discriminant = ParseDeclaration();
        Expect(")");
        Expect("{");
        var arms = new List<UnionArm>();
        Declaration? defaultArm = null;
        while (!Accept("}"))
        {
            SkipAnnotations();
            if (AcceptKeyword("default"))
            {
                Expect(":");
                defaultArm = ParseDeclaration();
                Expect(";");
                continue;
            }

            var cases = new List<string>();
            while (AcceptKeyword("case"))
            {
                cases.Add(ExpectValue());
                Expect(":");
            }

            if (cases.Count == 0)
            {
                throw Error("expected 'case' or 'default'");
            }

            Declaration arm = ParseDeclaration();
            Expect(";");
            arms.Add(new UnionArm(cases, arm));
        }

        return new UnionDefinition(name, _file, discriminant, arms, defaultArm);
    }

    private Declaration ParseDeclaration()
    {
        SkipAnnotations();
        int line = Current.Line;
        if (AcceptKeyword("void"))
        {
            return new Declaration("void", string.Empty, DeclKind.Void, null) { Line = line };
        }

        string type = ParseTypeSpecifier();
        if (Accept("*"))
        {
            return new Declaration(type, ExpectIdentifier(), DeclKind.Optional, null) { Line = line };
        }

        string name = ExpectIdentifier();
        if (Accept("["))
        {
            string size = ExpectValue();
            Expect("]");
            return new Declaration(type, name, DeclKind.FixedArray, size) { Line = line };
        }

        if (Accept("<"))
        {
            string? max = Current.Kind is TokenKind.Number or TokenKind.Identifier ? ExpectValue() : null;
            Expect(">");
            return new Declaration(type, name, DeclKind.VarArray, max) { Line = line };
        }

        if (type is "string")
        {
            throw Error("a string needs <max>");
        }

        return new Declaration(type, name, DeclKind.Scalar, null) { Line = line };
    }

    private string ParseTypeSpecifier()
    {
        string word = ExpectIdentifier();
        switch (word)
        {
            case "unsigned":
                if (Current.Kind == TokenKind.Identifier && Current.Text is "int" or "hyper" or "char" or "short" or "long")
                {
                    string inner = ExpectIdentifier();
                    return inner == "long" ? "unsigned int" : "unsigned " + inner;
                }

                return "unsigned int";
            case "long":
                return "int";
            case "struct" or "enum" or "union":
                return ExpectIdentifier();
            default:
                return word;
        }
    }

    private void SkipAnnotations()
    {
        while (Current.Kind == TokenKind.Annotation)
        {
            _pos++;
        }
    }

    private string ExpectValue()
    {
        Token token = Current;
        if (token.Kind is TokenKind.Number or TokenKind.Identifier)
        {
            _pos++;
            return token.Text;
        }

        throw Error($"expected a value, found '{token.Text}'");
    }

    private string ExpectIdentifier()
    {
        SkipAnnotations();
        Token token = Current;
        if (token.Kind != TokenKind.Identifier)
        {
            throw Error($"expected an identifier, found '{token.Text}'");
        }

        _pos++;
        return token.Text;
    }

    private void ExpectKeyword(string keyword)
    {
        if (!AcceptKeyword(keyword))
        {
            throw Error($"expected '{keyword}', found '{Current.Text}'");
        }
    }

    private bool AcceptKeyword(string keyword)
    {
        SkipAnnotations();
        if (Current.Kind == TokenKind.Identifier && Current.Text == keyword)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void Expect(string symbol)
    {
        if (!Accept(symbol))
        {
            throw Error($"expected '{symbol}', found '{Current.Text}'");
        }
    }

    private bool Accept(string symbol)
    {
        if (Current.Kind == TokenKind.Symbol && Current.Text == symbol)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private FormatException Error(string message) => new($"{_file}:{Current.Line}: {message}");
}
