namespace LibvirtRemote.Transport.Config;

/// <summary>What a value in a libvirt configuration file was written as.</summary>
public enum ConfValueKind
{
    /// <summary>A quoted string (<c>"…"</c>, <c>'…'</c> or <c>"""…"""</c>).</summary>
    String,

    /// <summary>A decimal integer, optionally signed.</summary>
    Integer,

    /// <summary>A bracketed list, <c>[ a, b ]</c>, which may span lines.</summary>
    List,
}

/// <summary>One value of a libvirt configuration file entry.</summary>
public sealed class ConfValue
{
    private ConfValue(ConfValueKind kind, string? text, long integer, bool negative, IReadOnlyList<ConfValue>? items, int line)
    {
        Kind = kind;
        _text = text;
        _integer = integer;
        IsNegativeForm = negative;
        _items = items;
        Line = line;
    }

    private readonly string? _text;
    private readonly long _integer;
    private readonly IReadOnlyList<ConfValue>? _items;

    /// <summary>The kind of value.</summary>
    public ConfValueKind Kind { get; }

    /// <summary>The 1-based line the value starts on.</summary>
    public int Line { get; }

    /// <summary>
    /// True for an integer written with a leading minus sign. libvirt types such numbers as signed and refuses them
    /// where it wants an unsigned number or a boolean, even <c>-0</c>.
    /// </summary>
    public bool IsNegativeForm { get; }

    /// <summary>The string; only for <see cref="ConfValueKind.String"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string String => Kind == ConfValueKind.String ? _text! : throw new InvalidOperationException($"The value is a {Kind}, not a string.");

    /// <summary>The number; only for <see cref="ConfValueKind.Integer"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public long Integer => Kind == ConfValueKind.Integer ? _integer : throw new InvalidOperationException($"The value is a {Kind}, not an integer.");

    /// <summary>The items; only for <see cref="ConfValueKind.List"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a list.</exception>
    public IReadOnlyList<ConfValue> Items => Kind == ConfValueKind.List ? _items! : throw new InvalidOperationException($"The value is a {Kind}, not a list.");

    /// <summary>Makes a string value.</summary>
    public static ConfValue FromString(string value, int line = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ConfValueKind.String, value, 0, false, null, line);
    }

    /// <summary>Makes an integer value; <paramref name="negativeForm"/> defaults to the sign of the number.</summary>
    public static ConfValue FromInteger(long value, bool? negativeForm = null, int line = 0)
        => new(ConfValueKind.Integer, null, value, negativeForm ?? value < 0, null, line);

    /// <summary>Makes a list value.</summary>
    public static ConfValue FromList(IReadOnlyList<ConfValue> items, int line = 0)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new(ConfValueKind.List, null, 0, false, items, line);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ConfValueKind.String => $"\"{_text}\"",
        ConfValueKind.Integer => _integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "[ " + string.Join(", ", _items!) + " ]",
    };
}
