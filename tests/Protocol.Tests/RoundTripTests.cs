using LibvirtRemote.Xdr;
using LibvirtRemote.XdrGen;
using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Random valid encodings of every generated struct and union decode and re-encode to the same bytes.</summary>
public class RoundTripTests
{
    private static readonly int[] Seeds = [1, 2, 3, 4, 5];

    public static TheoryData<string> TypeNames => new(SchemaFixture.AllTypes.Select(t => t.XdrName));

    [Fact]
    public void Every_struct_and_union_of_the_schema_has_a_generated_type()
    {
        string[] schemaTypes = SchemaFixture.Schema.Files.SelectMany(f => f.Definitions)
            .Where(d => d is StructDefinition or UnionDefinition).Select(d => d.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(schemaTypes, SchemaFixture.AllTypes.Select(t => t.XdrName).Order(StringComparer.Ordinal));
        Assert.True(schemaTypes.Length > 700, $"only {schemaTypes.Length} types");
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Random_valid_encoding_round_trips(string xdrName)
    {
        XdrTypeInfo info = SchemaFixture.AllTypes.Single(t => t.XdrName == xdrName);
        Definition definition = SchemaFixture.Schema.Find(xdrName) ?? throw new InvalidOperationException(xdrName);
        foreach (int seed in Seeds)
        {
            byte[] encoded = new RandomXdrEncoder(SchemaFixture.Schema, seed * 7919 + xdrName.Length).Encode(definition);
            Assert.True(encoded.Length >= info.MinEncodedSize, $"seed {seed}: {encoded.Length} bytes < MinEncodedSize {info.MinEncodedSize}");
            object value = Decode(info, encoded, seed);
            byte[] again = Encode(info, value);
            Assert.True(
                encoded.AsSpan().SequenceEqual(again),
                $"seed {seed}: re-encoding differs\n in:  {Convert.ToHexStringLower(encoded)}\n out: {Convert.ToHexStringLower(again)}");
        }
    }

    private static object Decode(XdrTypeInfo info, byte[] encoded, int seed)
    {
        try
        {
            var reader = new XdrReader(encoded) { StrictPadding = true };
            object value = info.Decode(ref reader);
            reader.EnsureEnd();
            return value;
        }
        catch (XdrException e)
        {
            throw new InvalidOperationException($"seed {seed}: valid encoding rejected: {e.Message}\n in: {Convert.ToHexStringLower(encoded)}", e);
        }
    }

    internal static byte[] Encode(XdrTypeInfo info, object value)
    {
        using var output = new PooledBufferWriter();
        var writer = new XdrWriter(output);
        info.Encode(ref writer, value);
        writer.Flush();
        return output.ToArray();
    }
}
