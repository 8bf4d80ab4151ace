using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>The generator's handling of the api/from/readonly/readonly_message procedure annotations.</summary>
public class ApiAnnotationTests
{
    private const string Header = """
        const TEST_PROGRAM = 1;
        const TEST_PROTOCOL_VERSION = 1;
        enum test_procedure {

        """;

    [Theory]
    [InlineData("/*@ api=virPing from=20 */", "{ PublicApi = \"virPing\", ErrorDomain = 20 }")]
    [InlineData("/*@ priority=high api=virPing readonly=deny from=19 */",
        "{ PublicApi = \"virPing\", ErrorDomain = 19, ReadOnly = new ReadOnlyPolicy(ReadOnlyRule.Deny, null, 0, \"read only access prevents virPing\") }")]
    [InlineData("/*@ api=virPing readonly=flags:0x9 readonly_message=\"virPing with secure flag\" from=20 */",
        "{ PublicApi = \"virPing\", ErrorDomain = 20, ReadOnly = new ReadOnlyPolicy(ReadOnlyRule.DenyWhenFlagsSet, \"flags\", 0x9, \"virPing with secure flag\") }")]
    [InlineData("/*@ api=virPing readonly=arg:source=1 from=20 */",
        "{ PublicApi = \"virPing\", ErrorDomain = 20, ReadOnly = new ReadOnlyPolicy(ReadOnlyRule.DenyWhenArgumentEquals, \"source\", 1, \"read only access prevents virPing\") }")]
    public void Annotations_become_procedure_metadata(string annotation, string expected)
    {
        string code = GeneratorCase.Generate(Header + "    " + annotation + "\n    TEST_PROC_PING = 1\n};\n");
        string line = Assert.Single(code.Split('\n'), l => l.Contains("\"TEST_PROC_PING\"", StringComparison.Ordinal));
        Assert.EndsWith("FdPassing.None) " + expected + ",", line.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_procedure_without_api_gets_no_initializer()
    {
        string code = GeneratorCase.Generate(Header + "    /*@ priority=high */\n    TEST_PROC_PING = 1\n};\n");
        string line = Assert.Single(code.Split('\n'), l => l.Contains("\"TEST_PROC_PING\"", StringComparison.Ordinal));
        Assert.EndsWith("FdPassing.None),", line.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/*@ readonly=deny */", "readonly/from tags need an api tag")]
    [InlineData("/*@ api=virPing */", "api tag without from tag")]
    [InlineData("/*@ api=virPing readonly=sometimes from=20 */", "unknown readonly 'sometimes'")]
    [InlineData("/*@ api=virPing readonly_message=\"x\" from=20 */", "readonly_message without readonly")]
    [InlineData("/*@ api=virPing readonly=deny readonly_message=\"open from=20 */", "unterminated quoted value of 'readonly_message'")]
    public void Malformed_annotations_are_rejected(string annotation, string message)
    {
        FormatException e = Assert.ThrowsAny<FormatException>(
            () => GeneratorCase.Generate(Header + "    " + annotation + "\n    TEST_PROC_PING = 1\n};\n"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
