using LibvirtRemote.Client.Auth;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>libvirt's auth.conf key-file format and its host/default lookup.</summary>
public sealed class LibvirtAuthConfigTests
{
    private const string Sample = """
        # credentials for test hosts
        [credentials-test]
        username=fred
        password = 123456 \s

        [credentials-prod]
        username=bar
        password=letmein

        [auth-libvirt-test1.example.com]
        credentials=test

        [auth-libvirt-default]
        credentials=prod
        """;

    [Fact]
    public void LooksUpTheHostGroupThenTheDefault()
    {
        LibvirtAuthConfig config = LibvirtAuthConfig.Parse(Sample);
        Assert.Equal("fred", config.Lookup("libvirt", "test1.example.com", "username"));
        Assert.Equal("123456  ", config.Lookup("libvirt", "test1.example.com", "password"));
        Assert.Equal("bar", config.Lookup("libvirt", "other.example.com", "username"));
        Assert.Equal("letmein", config.Lookup("libvirt", null, "password"));
        Assert.Null(config.Lookup("libvirt", "test1.example.com", "realm"));
        Assert.Null(config.Lookup("ssh", "test1.example.com", "username"));
    }

    [Fact]
    public void NullHostIsLocalhost()
    {
        LibvirtAuthConfig config = LibvirtAuthConfig.Parse("[credentials-a]\nusername=local\n[auth-libvirt-localhost]\ncredentials=a\n");
        Assert.Equal("local", config.Lookup("libvirt", null, "username"));
        Assert.Null(config.Lookup("libvirt", "elsewhere", "username"));
    }

    [Fact]
    public void BrokenReferencesAndLinesAreErrors()
    {
        Assert.Throws<FormatException>(() => LibvirtAuthConfig.Parse("[auth-libvirt-default]\nuser=x\n").Lookup("libvirt", "h", "username"));
        Assert.Throws<FormatException>(() => LibvirtAuthConfig.Parse("[auth-libvirt-default]\ncredentials=missing\n").Lookup("libvirt", "h", "username"));
        Assert.Throws<FormatException>(() => LibvirtAuthConfig.Parse("username=outside-any-group\n"));
        Assert.Throws<FormatException>(() => LibvirtAuthConfig.Parse("[unterminated\n"));
    }
}
