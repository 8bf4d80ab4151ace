using LibvirtRemote.Client;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

public class TypedParameterTests
{
    public static TheoryData<object, int> Values => new()
    {
        { -5, 1 },
        { 5u, 2 },
        { -5L, 3 },
        { 5UL, 4 },
        { 2.5, 5 },
        { true, 6 },
        { "text", 7 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void EachValueTypeMapsToItsWireCodeAndBack(object value, int code)
    {
        var parameter = new TypedParameter("field", value);
        TypedParam wire = parameter.ToWire();
        Assert.Equal(code, wire.Value.Type);
        Assert.Equal("field", wire.Field);
        TypedParameter back = TypedParameter.FromWire(wire);
        Assert.Equal(value, back.Value);
        Assert.Equal(parameter, back);
    }

    [Fact]
    public void UnsupportedValueTypesAreRefused()
        => Assert.Throws<ArgumentException>(() => new TypedParameter("x", 1.5f));

    [Fact]
    public void UnknownWireTypeIsAProtocolError()
        => Assert.Throws<LibvirtProtocolException>(() => TypedParameter.FromWire(new TypedParam { Field = "x", Value = new TypedParamValue { Type = 9 } }));
}
