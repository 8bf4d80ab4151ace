using Xunit;

namespace LibvirtRemote.Protocol.Tests;

public class GoldenFileParserTests
{
    [Fact]
    public void Comments_and_word_comments_are_dropped()
    {
        const string text = "# title\n# more\n0000000c  # length 12\n20008086  # prog\n\n00000001\n";
        Assert.Equal([0, 0, 0, 12, 0x20, 0x00, 0x80, 0x86, 0, 0, 0, 1], GoldenFile.Parse(text));
    }

    [Theory]
    [InlineData("ab", new byte[] { 0xab })]
    [InlineData("abcd", new byte[] { 0xab, 0xcd })]
    [InlineData("abcdef", new byte[] { 0xab, 0xcd, 0xef })]
    public void Last_line_may_be_a_partial_word(string last, byte[] tail)
    {
        byte[] bytes = GoldenFile.Parse($"00000001  # word\n{last}  # tail\n");
        Assert.Equal([0, 0, 0, 1, .. tail], bytes);
    }

    [Theory]
    [InlineData("0000000\n")]
    [InlineData("0000000g\n")]
    [InlineData("0000000A\n")]
    [InlineData("000000000\n")]
    [InlineData("abcd\n00000001\n")]
    public void Malformed_data_lines_are_rejected_with_the_line_number(string text)
    {
        FormatException error = Assert.Throws<FormatException>(() => GoldenFile.Parse("# c\n" + text, "f.hex"));
        Assert.StartsWith("f.hex:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_file_parses_to_its_declared_length()
    {
        byte[] bytes = GoldenFile.Load(Path.Combine(TestPaths.Golden, "virsh-nodeinfo", "13-s2c-reply-node-get-info.hex"));
        Assert.Equal(28 + 160, bytes.Length);
        Assert.Equal(bytes.Length, (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]);
    }
}
