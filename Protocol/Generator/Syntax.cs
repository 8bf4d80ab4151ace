namespace LibvirtRemote.XdrGen;

/// <summary>How a declaration shapes its base type.</summary>
public enum DeclKind
{
    /// <summary><c>type name</c></summary>
    Scalar,

    /// <summary><c>type name[N]</c></summary>
    FixedArray,

    /// <summary><c>type name&lt;N&gt;</c> or <c>type name&lt;&gt;</c></summary>
    VarArray,

    /// <summary><c>type *name</c></summary>
    Optional,

    /// <summary><c>void</c></summary>
    Void,
}

/// <summary>A declaration as written: base type name, field name, shape and size expression.</summary>
/// <param name="TypeName">Base type: a built-in (<c>int</c>, <c>unsigned hyper</c>, <c>opaque</c>, <c>string</c>, ...) or a defined name.</param>
/// <param name="Name">Declared name (empty for void).</param>
/// <param name="Kind">Shape.</param>
/// <param name="Size">Size or maximum as written (a number or a constant name); null when unbounded or not an array.</param>
public sealed record Declaration(string TypeName, string Name, DeclKind Kind, string? Size)
{
    /// <summary>Line of the .x file the declaration starts on (0 when not parsed from a file), for error messages.</summary>
    public int Line { get; init; }
}

/// <summary>Any top-level definition, remembering the file it came from.</summary>
public abstract record Definition(string Name, string File)
{
    /// <summary>Line of <see cref="File"/> the definition starts on (0 when not parsed from a file), for error messages.</summary>
    public int Line { get; init; }
}

/// <summary><c>const NAME = value;</c></summary>
public sealed record ConstDefinition(string Name, string File, string Value) : Definition(Name, File);

/// <summary><c>typedef declaration;</c></summary>
public sealed record TypedefDefinition(string Name, string File, Declaration Declaration) : Definition(Name, File);

/// <summary>One member of an enum, with the annotation comment that preceded it, if any.</summary>
public sealed record EnumMember(string Name, string Value, string? Annotation)
{
    /// <summary>Line of the .x file the member is on (0 when not parsed from a file), for error messages.</summary>
    public int Line { get; init; }
}

/// <summary><c>enum name { ... };</c></summary>
public sealed record EnumDefinition(string Name, string File, IReadOnlyList<EnumMember> Members) : Definition(Name, File);

/// <summary><c>struct name { ... };</c></summary>
public sealed record StructDefinition(string Name, string File, IReadOnlyList<Declaration> Fields) : Definition(Name, File);

/// <summary>One arm of a union: its case values and declaration.</summary>
public sealed record UnionArm(IReadOnlyList<string> Cases, Declaration Declaration);

/// <summary><c>union name switch (discriminant) { ... };</c></summary>
public sealed record UnionDefinition(
    string Name,
    string File,
    Declaration Discriminant,
    IReadOnlyList<UnionArm> Arms,
    Declaration? Default) : Definition(Name, File);
