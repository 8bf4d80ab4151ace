using LibvirtRemote.Transport.Sasl.Server;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>Inputs the fuzzer (tests/Fuzz, target sasldb) found: every problem in the file is a FormatException naming its line.</summary>
public sealed class SaslUserDatabaseParseErrorTests
{
    [Theory]
    [InlineData("a%00b\n")]
    [InlineData("realm x\n%00\n")]
    public void NulInUserNameIsAFormatErrorWithItsLine(string text)
    {
        FormatException e = Assert.Throws<FormatException>(() => SaslUserDatabase.Parse(text));
        Assert.Contains("line", e.Message, StringComparison.Ordinal);
        Assert.Contains("NUL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LineOfSpacesIsSkippedLikeAnEmptyLine()
    {
        SaslUserDatabase db = SaslUserDatabase.Parse("realm r\n   \n");
        Assert.Equal("r", db.Realm);
        Assert.Empty(db.Users);
    }
}
