using LibvirtRemote.Client;
using Xunit;

namespace LibvirtRemote.Client.Tests;

public class LibvirtUriTests
{
    [Fact]
    public void SplitsEveryPart()
    {
        LibvirtUri uri = LibvirtUri.Parse("qemu+ssh://root@host.example:2222/system?keyfile=/k&no_verify=1");
        Assert.Equal("qemu", uri.Driver);
        Assert.Equal("ssh", uri.Transport);
        Assert.Equal("root", uri.User);
        Assert.Equal("host.example", uri.Host);
        Assert.Equal(2222, uri.Port);
        Assert.Equal("/system", uri.Path);
        Assert.Equal("/k", uri["keyfile"]);
        Assert.Equal("1", uri["no_verify"]);
        Assert.Equal("qemu:///system", uri.RemoteName());
    }

    [Theory]
    [InlineData("test:///default", "unix")]
    [InlineData("qemu:///system", "unix")]
    [InlineData("qemu://host/system", "tls")]
    [InlineData("qemu+tcp://host/system", "tcp")]
    [InlineData("qemu+UNIX:///system", "unix")]
    public void PicksTheTransportLikeLibvirt(string text, string transport)
        => Assert.Equal(transport, LibvirtUri.Parse(text).EffectiveTransport);

    [Theory]
    [InlineData("test+tcp://127.0.0.1/default?name=custom:///x", "custom:///x")]
    [InlineData("test+unix:///default?socket=/tmp/s", "test:///default")]
    [InlineData("qemu+tcp://h/system?foo=bar&socket=/x", "qemu:///system?foo=bar")]
    [InlineData("test:///default", "test:///default")]
    public void BuildsTheNameSentInConnectOpen(string text, string name)
        => Assert.Equal(name, LibvirtUri.Parse(text).RemoteName());

    [Fact]
    public void PercentDecodesParametersAndPath()
    {
        LibvirtUri uri = LibvirtUri.Parse("test+unix:///a%20b?socket=%2Ftmp%2Fmy%20dir%2Fsock&x=1+2");
        Assert.Equal("/tmp/my dir/sock", uri["socket"]);
        Assert.Equal("/a b", uri.Path);
        Assert.Equal("1 2", uri["x"]);
    }

    [Fact]
    public void ParsesBracketedIpv6Hosts()
    {
        LibvirtUri uri = LibvirtUri.Parse("qemu+tcp://[::1]:16509/system");
        Assert.Equal("::1", uri.Host);
        Assert.Equal(16509, uri.Port);
    }

    [Fact]
    public void RejectsTextWithoutScheme() => Assert.Throws<FormatException>(() => LibvirtUri.Parse("no-scheme-here"));
}
