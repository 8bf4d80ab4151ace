using System.Globalization;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>The value types a libvirt typed parameter can hold (virTypedParameterType).</summary>
public enum TypedParameterType
{
    /// <summary>32-bit signed integer.</summary>
    Int = LibvirtConstants.VirTypedParamInt,

    /// <summary>32-bit unsigned integer.</summary>
    UInt = LibvirtConstants.VirTypedParamUint,

    /// <summary>64-bit signed integer.</summary>
    Long = LibvirtConstants.VirTypedParamLlong,

    /// <summary>64-bit unsigned integer.</summary>
    ULong = LibvirtConstants.VirTypedParamUllong,

    /// <summary>Double-precision float.</summary>
    Double = LibvirtConstants.VirTypedParamDouble,

    /// <summary>Boolean.</summary>
    Boolean = LibvirtConstants.VirTypedParamBoolean,

    /// <summary>String.</summary>
    String = LibvirtConstants.VirTypedParamString,
}

/// <summary>
/// One libvirt typed parameter (virTypedParameter) as a name and a .NET value: <see cref="int"/>,
/// <see cref="uint"/>, <see cref="long"/>, <see cref="ulong"/>, <see cref="double"/>, <see cref="bool"/> or
/// <see cref="string"/>. The value's .NET type decides the wire type, so build it with the value type libvirt
/// expects for the field (e.g. <c>cpu_shares</c> is a ULong).
/// </summary>
public sealed record TypedParameter
{
    /// <summary>Creates a parameter; the value must be one of the seven supported types.</summary>
    public TypedParameter(string name, object value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        Type = value switch
        {
            int => TypedParameterType.Int,
            uint => TypedParameterType.UInt,
            long => TypedParameterType.Long,
            ulong => TypedParameterType.ULong,
            double => TypedParameterType.Double,
            bool => TypedParameterType.Boolean,
            string => TypedParameterType.String,
            _ => throw new ArgumentException($"Typed parameter '{name}' cannot hold a {value.GetType().Name}", nameof(value)),
        };
        Name = name;
        Value = value;
    }

    /// <summary>Field name (at most 80 bytes on the wire, VIR_TYPED_PARAM_FIELD_LENGTH).</summary>
    public string Name { get; }

    /// <summary>Wire type.</summary>
    public TypedParameterType Type { get; }

    /// <summary>The value, boxed as its .NET type.</summary>
    public object Value { get; }

    /// <summary>Converts from the wire form.</summary>
    /// <exception cref="LibvirtProtocolException">The type code is not one of the seven known ones.</exception>
    public static TypedParameter FromWire(TypedParam param)
    {
        TypedParamValue v = param.Value;
        object value = (TypedParameterType)v.Type switch
        {
            TypedParameterType.Int => v.I,
            TypedParameterType.UInt => v.Ui,
            TypedParameterType.Long => v.L,
            TypedParameterType.ULong => v.Ul,
            TypedParameterType.Double => v.D,
            TypedParameterType.Boolean => v.B != 0,
            TypedParameterType.String => v.S,
            _ => throw new LibvirtProtocolException($"Typed parameter '{param.Field}' has unknown type {v.Type}"),
        };
        return new TypedParameter(param.Field, value);
    }

    /// <summary>Converts from the admin program's wire form, which has the same layout under its own name.</summary>
    /// <exception cref="LibvirtProtocolException">The type code is not one of the seven known ones.</exception>
    public static TypedParameter FromWire(AdminTypedParam param)
        => FromWire(new TypedParam { Field = param.Field, Value = new TypedParamValue { Type = param.Value.Type, I = param.Value.I, Ui = param.Value.Ui, L = param.Value.L, Ul = param.Value.Ul, D = param.Value.D, B = param.Value.B, S = param.Value.S } });

    /// <summary>Converts an admin wire list.</summary>
    public static IReadOnlyList<TypedParameter> FromWire(AdminTypedParam[]? list)
        => list is null ? [] : Array.ConvertAll(list, FromWire);

    /// <summary>Converts a list to the admin program's wire form.</summary>
    public static AdminTypedParam[] ToAdminWire(IEnumerable<TypedParameter> parameters)
        => parameters.Select(p =>
        {
            TypedParam wire = p.ToWire();
            TypedParamValue v = wire.Value;
            return new AdminTypedParam { Field = wire.Field, Value = new AdminTypedParamValue { Type = v.Type, I = v.I, Ui = v.Ui, L = v.L, Ul = v.Ul, D = v.D, B = v.B, S = v.S } };
        }).ToArray();

    /// <summary>Converts a wire list.</summary>
    public static IReadOnlyList<TypedParameter> FromWire(TypedParam[]? list)
        => list is null ? [] : Array.ConvertAll(list, FromWire);

    /// <summary>Converts a list to the wire form.</summary>
    public static TypedParam[] ToWire(IEnumerable<TypedParameter> parameters)
        => parameters.Select(p => p.ToWire()).ToArray();

    /// <summary>Converts to the wire form.</summary>
    public TypedParam ToWire()
    {
        var value = new TypedParamValue { Type = (int)Type };
        switch (Value)
        {
            case int i:
                value.I = i;
                break;
            case uint ui:
                value.Ui = ui;
                break;
            case long l:
                value.L = l;
                break;
            case ulong ul:
                value.Ul = ul;
                break;
            case double d:
                value.D = d;
                break;
            case bool b:
                value.B = b ? 1 : 0;
                break;
            case string s:
                value.S = s;
                break;
        }

        return new TypedParam { Field = Name, Value = value };
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}={Convert.ToString(Value, CultureInfo.InvariantCulture)}";
}
