using LibvirtRemote.Client;
using Xunit;

namespace LibvirtRemote.Client.Tests;

public class ClientConfigTests
{
    private const string Conf = """
        # client settings
        uri_default = "qemu:///system"
        uri_aliases = [
          "hail=qemu+ssh://root@hail.example.com/system",   # remote box
          "sleet=qemu+ssh://root@sleet.example.com/system",
        ]
        uri_default = "ignored:///second"
        """;

    [Fact]
    public void ReadsDefaultAndAliasesKeepingTheFirstOfRepeatedKeys()
    {
        ClientConfig config = ClientConfig.Parse(Conf);
        Assert.Equal("qemu:///system", config.UriDefault);
        Assert.Equal(2, config.UriAliases.Count);
    }

    [Theory]
    [InlineData(null, null, "qemu:///system")]
    [InlineData("", "test:///default", "test:///default")]
    [InlineData(null, "hail", "qemu+ssh://root@hail.example.com/system")]
    [InlineData("sleet", "test:///default", "qemu+ssh://root@sleet.example.com/system")]
    [InlineData("lxc:///", null, "lxc:///")]
    [InlineData("hai", null, "hai")]
    public void ResolvesLikeVirConnectOpen(string? uri, string? environment, string expected)
        => Assert.Equal(expected, ClientConfig.Parse(Conf).Resolve(uri, environment));

    [Fact]
    public void NoUriAnywhereIsAClearError()
        => Assert.Throws<LibvirtClientException>(() => ClientConfig.Parse("# nothing").Resolve(null, null));

    [Fact]
    public void MalformedAliasesAndSyntaxAreReported()
    {
        Assert.Throws<LibvirtClientException>(() => ClientConfig.Parse("uri_aliases = [\"no-equals-sign\"]").Resolve("x", null));
        Assert.Throws<LibvirtClientException>(() => ClientConfig.Parse("uri_aliases = [\"bad alias=qemu:///system\"]").Resolve("x", null));
        FormatException error = Assert.ThrowsAny<FormatException>(() => ClientConfig.Parse("a = 1\nuri_default \"x\"", "conf"));
        Assert.StartsWith("conf:2:", error.Message, StringComparison.Ordinal);
    }
}
