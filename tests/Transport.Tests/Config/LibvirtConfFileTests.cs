using LibvirtRemote.Transport.Config;
using Xunit;

namespace LibvirtRemote.Transport.Tests.Config;

public class LibvirtConfFileTests
{
    [Fact]
    public void ReadsEntriesInOrderWithLinesAndTypes()
    {
        LibvirtConfFile file = LibvirtConfFile.Parse("""
            # header comment

            listen_tcp = 1   # trailing comment
            tcp_port = "16509"
            quoted = 'single'
            neg = -42 ; plus = +7
            dns = [ "C=GB,O=x,CN=*",
                    'second',
            ]
            empty = []
            mixed = [ 1, "two", [ 3 ] ]
            long = TRIPLEa
            bTRIPLE
            after = 0
            """.Replace("TRIPLE", "\"\"\"", StringComparison.Ordinal), "test.conf");

        Assert.Equal(
            ["listen_tcp", "tcp_port", "quoted", "neg", "plus", "dns", "empty", "mixed", "long", "after"],
            file.Entries.Select(e => e.Key));
        Assert.Equal([3, 4, 5, 6, 6, 7, 10, 11, 12, 14], file.Entries.Select(e => e.Line));
        Assert.Equal(1, file.Find("listen_tcp")!.Value.Integer);
        Assert.Equal("16509", file.Find("tcp_port")!.Value.String);
        Assert.Equal("single", file.Find("quoted")!.Value.String);
        Assert.Equal(-42, file.Find("neg")!.Value.Integer);
        Assert.True(file.Find("neg")!.Value.IsNegativeForm);
        Assert.Equal(7, file.Find("plus")!.Value.Integer);
        Assert.False(file.Find("plus")!.Value.IsNegativeForm);
        Assert.True(file.TryGetStringList("dns", out IReadOnlyList<string> dns));
        Assert.Equal(["C=GB,O=x,CN=*", "second"], dns);
        Assert.Empty(file.Find("empty")!.Value.Items);
        Assert.Equal(ConfValueKind.List, file.Find("mixed")!.Value.Items[2].Kind);
        Assert.Equal("a\nb", file.Find("long")!.Value.String);
    }

    [Fact]
    public void RepeatedKeyKeepsTheFirstValueButListsBoth()
    {
        LibvirtConfFile file = LibvirtConfFile.Parse("a = 1\na = 2\n");
        Assert.Equal(2, file.Entries.Count);
        Assert.True(file.TryGetUInt32("a", out uint a));
        Assert.Equal(1u, a);
    }

    [Fact]
    public void MissingKeysLeaveTheDefault()
    {
        LibvirtConfFile file = LibvirtConfFile.Parse("");
        Assert.Empty(file.Entries);
        Assert.False(file.TryGetString("x", out _));
        Assert.False(file.TryGetBool("x", out _));
        Assert.Null(file.Find("x"));
    }

    [Theory]
    [InlineData("a = \"open", 1, "a", "unterminated string")]
    [InlineData("a = 'x\ny'", 1, "a", "unterminated string")]
    [InlineData("\n\na 1", 3, "a", "expecting an assignment")]
    [InlineData("a = 1 b = 2", 1, null, "expecting a separator")]
    [InlineData("a = [ \"x\" \"y\" ]", 1, "a", "expecting a separator in list")]
    [InlineData("a = [ \"x\"\n\n", 3, "a", "list is not closed with ]")]
    [InlineData("a = [ \"x\",\n\n", 3, "a", "expecting a value")]
    [InlineData("a = 99999999999999999999", 1, "a", "numeric overflow in conf value")]
    [InlineData("a = -", 1, "a", "unterminated number")]
    [InlineData("a = yes", 1, "a", "expecting a value")]
    [InlineData("a =", 1, "a", "expecting a value")]
    [InlineData("_a = 1", 1, null, "expecting a name")]
    [InlineData("x = 1\n9 = 1", 2, null, "expecting a name")]
    [InlineData("a = [ \"x\" # note\n ]", 1, "a", "expecting a separator in list")]
    [InlineData("a = [ \"x\", # note\n ]", 1, "a", "expecting a value")]
    [InlineData("a = \"\"\"never closed\n", 1, "a", "unterminated string")]
    public void SyntaxErrorsNameSourceLineAndKey(string text, int line, string? key, string problem)
    {
        ConfFileException e = Assert.Throws<ConfFileException>(() => LibvirtConfFile.Parse(text, "f.conf"));
        Assert.Equal("f.conf", e.SourceName);
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Equal(problem, e.Problem);
        Assert.StartsWith($"f.conf:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    [Fact]
    public void CommentsInsideListsOnlyWhenAsked()
    {
        const string Text = "a = [ \"x\",   # first\n  # between\n  \"y\" ]\nb = 2";
        LibvirtConfFile file = LibvirtConfFile.Parse(Text, allowCommentsInLists: true);
        Assert.True(file.TryGetStringList("a", out IReadOnlyList<string> a));
        Assert.Equal(["x", "y"], a);
        Assert.Equal(4, file.Find("b")!.Line);
    }

    [Theory]
    [InlineData("k = \"s\"", "bool", "expected a boolean (0 or 1)")]
    [InlineData("k = 2", "bool", "value must be 0 or 1")]
    [InlineData("k = -0", "bool", "expected a boolean (0 or 1)")]
    [InlineData("k = -1", "uint", "expected an unsigned integer")]
    [InlineData("k = 4294967296", "uint", "value must be in range 0:4294967295")]
    [InlineData("k = [ 1 ]", "uint", "expected an unsigned integer")]
    [InlineData("k = \"5\"", "int", "expected a signed integer")]
    [InlineData("k = 2147483648", "int", "value must be in range -2147483648:2147483647")]
    [InlineData("k = 5", "string", "expected a string")]
    [InlineData("k = \"x\"", "list", "expected a list of strings")]
    [InlineData("k = [ \"x\", 1 ]", "list", "expected a list of strings")]
    public void TypedGettersRejectTheWrongTypeNamingLineAndKey(string text, string getter, string problem)
    {
        LibvirtConfFile file = LibvirtConfFile.Parse("# one\n" + text, "typed.conf");
        ConfFileException e = Assert.Throws<ConfFileException>(() => _ = getter switch
        {
            "bool" => file.TryGetBool("k", out _),
            "uint" => file.TryGetUInt32("k", out _),
            "int" => file.TryGetInt32("k", out _),
            "string" => file.TryGetString("k", out _),
            _ => file.TryGetStringList("k", out _),
        });
        Assert.Equal(2, e.Line);
        Assert.Equal("k", e.Key);
        Assert.Equal(problem, e.Problem);
        Assert.Equal($"typed.conf:2: 'k': {problem}", e.Message);
    }

    [Fact]
    public void TypedGettersAcceptWhatLibvirtAccepts()
    {
        LibvirtConfFile file = LibvirtConfFile.Parse("b = 1\nu = 4294967295\ni = -5\ns = 'x'\nl = \"only\"");
        Assert.True(file.TryGetBool("b", out bool b) && b);
        Assert.True(file.TryGetUInt32("u", out uint u) && u == uint.MaxValue);
        Assert.True(file.TryGetInt32("i", out int i) && i == -5);
        Assert.True(file.TryGetString("s", out string s) && s == "x");
        Assert.True(file.TryGetStringList("l", out IReadOnlyList<string> l, acceptSingleString: true));
        Assert.Equal(["only"], l);
    }

    [Fact]
    public async Task LoadAsyncNamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lvr-conf-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(path, "ok = 1\nbad = ");
        try
        {
            ConfFileException e = await Assert.ThrowsAsync<ConfFileException>(
                () => LibvirtConfFile.LoadAsync(path).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(path, e.SourceName);
            Assert.Equal(2, e.Line);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
