namespace LibvirtRemote.XdrGen;

/// <summary>Built-in scalar XDR types.</summary>
public enum Primitive
{
    /// <summary><c>int</c></summary>
    Int,

    /// <summary><c>unsigned int</c></summary>
    UInt,

    /// <summary><c>hyper</c></summary>
    Hyper,

    /// <summary><c>unsigned hyper</c></summary>
    UHyper,

    /// <summary><c>float</c></summary>
    Float,

    /// <summary><c>double</c></summary>
    Double,

    /// <summary><c>bool</c></summary>
    Bool,

    /// <summary><c>char</c> (one word, sign-extended)</summary>
    Char,

    /// <summary><c>unsigned char</c> (one word)</summary>
    UChar,

    /// <summary><c>short</c> (one word, sign-extended)</summary>
    Short,

    /// <summary><c>unsigned short</c> (one word)</summary>
    UShort,
}

/// <summary>A declaration's type with typedefs resolved: what is actually on the wire.</summary>
public abstract record WireType;

/// <summary>A built-in scalar.</summary>
public sealed record PrimitiveType(Primitive Kind) : WireType;

/// <summary><c>string name&lt;Max&gt;</c>; Max is the constant's name or number as written, null when unbounded.</summary>
public sealed record StringType(string? Max) : WireType;

/// <summary><c>opaque name[Size]</c> or <c>opaque name&lt;Size&gt;</c>.</summary>
public sealed record OpaqueType(bool Fixed, string? Size) : WireType;

/// <summary><c>char name[Size]</c> / <c>char name&lt;Size&gt;</c>: one word per character.</summary>
public sealed record CharArrayType(bool Signed, bool Fixed, string? Size) : WireType;

/// <summary>A defined enum, struct or union.</summary>
public sealed record NamedType(Definition Definition) : WireType;

/// <summary>An array of another type.</summary>
public sealed record ArrayType(WireType Element, bool Fixed, string? Size) : WireType;

/// <summary>Optional data: a presence word and then the value.</summary>
public sealed record OptionalType(WireType Element) : WireType;
