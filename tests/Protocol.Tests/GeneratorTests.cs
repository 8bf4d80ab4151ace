using LibvirtRemote.XdrGen;
using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>
/// The generator on small inputs: GeneratorCases/&lt;case&gt;/input.x must produce expected.g.cs exactly.
/// The expected files were written by the generator and reviewed by hand; after an intended change to the
/// output, regenerate them and review the diff.
/// </summary>
public class GeneratorTests
{
    public static TheoryData<string> Cases => new(
        Directory.GetDirectories(TestPaths.GeneratorCases).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void All_cases_are_present()
        => Assert.Equal(["char-arrays", "enums", "primitives", "procedures", "typedefs", "unions"], ((IEnumerable<object[]>)Cases).Select(row => (string)row[0]));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generates_the_expected_code(string name)
    {
        string dir = GeneratorCase.Directory(name);
        string expected = File.ReadAllText(Path.Combine(dir, "expected.g.cs"));
        string actual = GeneratorCase.Generate(File.ReadAllText(Path.Combine(dir, "input.x")));
        AssertSameText(expected, actual, $"GeneratorCases/{name}/expected.g.cs");
    }

    [Fact]
    public void Generates_the_expected_client_calls()
    {
        // One method per call procedure: events skipped, stream procedures take the stream handler,
        // fd procedures say that descriptors are not passed, missing bodies become XdrVoid.
        string dir = GeneratorCase.Directory("procedures");
        string expected = File.ReadAllText(Path.Combine(dir, "expected.calls.g.cs"));
        string actual = GeneratorCase.GenerateCalls(File.ReadAllText(Path.Combine(dir, "input.x")));
        AssertSameText(expected, actual, "GeneratorCases/procedures/expected.calls.g.cs");
    }

    [Fact]
    public void Client_calls_need_exactly_one_procedure_enum()
    {
        FormatException e = Assert.Throws<FormatException>(() => GeneratorCase.GenerateCalls("struct s { int a; };\n"));
        Assert.Contains("expected one *_procedure enum, found 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Implicit_enum_values_continue_from_hex_octal_and_negative_literals()
    {
        var schema = new Schema([("input.x", File.ReadAllText(Path.Combine(GeneratorCase.Directory("enums"), "input.x")))]);
        Assert.Equal(0, schema.Evaluate("SHADE_LIGHT"));
        Assert.Equal(11, schema.Evaluate("SHADE_DARKER"));
        Assert.Equal(33, schema.Evaluate("SHADE_AFTER_HEX"));
        Assert.Equal(9, schema.Evaluate("SHADE_AFTER_OCTAL"));
        Assert.Equal(-1, schema.Evaluate("SHADE_AFTER_NEGATIVE"));
        Assert.Equal(100, schema.Evaluate("SHADE_FROM_CONST"));
    }

    [Fact]
    public void Typedefs_resolve_to_wire_types()
    {
        var schema = new Schema([("input.x", File.ReadAllText(Path.Combine(GeneratorCase.Directory("typedefs"), "input.x")))]);
        var thing = (StructDefinition)schema.Find("thing")!;
        WireType[] types = thing.Fields.Select(schema.Resolve).ToArray();
        Assert.Equal(new StringType("NAME_MAX"), types[0]);
        Assert.Equal(new StringType(null), types[1]);
        Assert.Equal(new OpaqueType(true, "UUID_LEN"), types[2]);
        Assert.Equal(new OpaqueType(true, "UUID_LEN"), types[3]);
        Assert.Equal(new OpaqueType(false, "1024"), types[4]);
        Assert.Equal(new OptionalType(new StringType("NAME_MAX")), types[5]);
        Assert.Equal(new ArrayType(new StringType("NAME_MAX"), false, "4"), types[7]);
        Assert.Equal(56, schema.MinSize(thing));
    }

    [Theory]
    [InlineData("struct s {\n  int a;\n  foo b;\n};\n", "input.x:3:", "unknown type 'foo'")]
    [InlineData("typedef baz qux;\n", "input.x:1:", "unknown type 'baz'")]
    [InlineData("\nunion u switch (int t) {\ncase 1:\n  bar x;\n};\n", "input.x:4:", "unknown type 'bar'")]
    [InlineData("struct s {\n  int a<NOPE>;\n};\n", "input.x:2:", "unknown constant 'NOPE'")]
    [InlineData("union u switch (int t) {\ncase 1:\n  int x;\ncase MISSING:\n  void;\n};\n", "input.x:5:", "unknown constant 'MISSING'")]
    [InlineData("enum e {\n  A = NOWHERE\n};\n", "input.x:2:", "unknown constant 'NOWHERE'")]
    [InlineData("const C = 5;\nenum e {\n  A = C,\n  B\n};\n", "input.x:4:", "needs an explicit value")]
    [InlineData("struct s {\n  int a\n};\n", "input.x:3:", "expected ';'")]
    [InlineData("struct s {\n  string name;\n};\n", "input.x:2:", "a string needs <max>")]
    [InlineData("\n\n/* never closed\n", "input.x:3:", "unterminated comment")]
    [InlineData("const A = 1;\nconst B = $;\n", "input.x:2:", "unexpected character '$'")]
    [InlineData("program P { };\n", "input.x:1:", "expected a definition")]
    public void Errors_name_the_file_and_line(string source, string location, string message)
    {
        FormatException e = Assert.Throws<FormatException>(() => GeneratorCase.Generate(source));
        Assert.StartsWith(location, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_definitions_are_rejected()
    {
        FormatException e = Assert.Throws<FormatException>(() => GeneratorCase.Generate("struct s { int a; };\nstruct s { int b; };\n"));
        Assert.Contains("'s' is defined twice", e.Message, StringComparison.Ordinal);
    }

    internal static void AssertSameText(string expected, string actual, string what)
    {
        if (expected == actual)
        {
            return;
        }

        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        Assert.Fail(
            $"{what} differs at line {line + 1}:\n expected: {(line < e.Length ? e[line] : "<end>")}\n actual:   {(line < a.Length ? a[line] : "<end>")}");
    }
}
