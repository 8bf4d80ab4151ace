using LibvirtRemote.Client;
using LibvirtRemote.Client.Admin;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>Admin URI → socket, as virAdmConnectOpen resolves it in libvirt 9.0.0.</summary>
public class AdminUriTests
{
    private static readonly ClientConfig NoConfig = ClientConfig.Parse(string.Empty);

    [Fact]
    public void WithoutAnyUriRootGetsTheSystemDaemonAndOthersTheirSession()
    {
        Assert.Equal("libvirtd:///system", AdminSocketResolver.ResolveUri(null, NoConfig, null, privileged: true, noAliases: false));
        Assert.Equal("libvirtd:///session", AdminSocketResolver.ResolveUri(null, NoConfig, null, privileged: false, noAliases: false));
        Assert.Equal("libvirtd:///session", AdminSocketResolver.ResolveUri(null, NoConfig, string.Empty, privileged: false, noAliases: false));
    }

    [Fact]
    public void EnvironmentBeatsConfigFileWhichBeatsTheBuiltInDefault()
    {
        ClientConfig config = ClientConfig.Parse("uri_default = \"virtqemud:///system\"\n");
        Assert.Equal("virtqemud:///system", AdminSocketResolver.ResolveUri(null, config, null, privileged: false, noAliases: false));
        Assert.Equal("virtnetworkd:///system", AdminSocketResolver.ResolveUri(null, config, "virtnetworkd:///system", privileged: false, noAliases: false));
        Assert.Equal("libvirtd:///session", AdminSocketResolver.ResolveUri("libvirtd:///session", config, "virtnetworkd:///system", privileged: true, noAliases: false));
    }

    [Fact]
    public void AliasesComeFromTheAdminConfigUnlessRefused()
    {
        ClientConfig config = ClientConfig.Parse("uri_aliases = [ \"qd=virtqemud:///system\" ]\n");
        Assert.Equal("virtqemud:///system", AdminSocketResolver.ResolveUri("qd", config, null, privileged: true, noAliases: false));
        Assert.Equal("qd", AdminSocketResolver.ResolveUri("qd", config, null, privileged: true, noAliases: true));
        ClientConfig defaulted = ClientConfig.Parse("uri_default = \"qd\"\nuri_aliases = [ \"qd=virtqemud:///system\" ]\n");
        Assert.Equal("virtqemud:///system", AdminSocketResolver.ResolveUri(null, defaulted, null, privileged: true, noAliases: false));
    }

    [Fact]
    public void SystemUrisNameTheDaemonsAdminSocketUnderRun()
    {
        Assert.Equal("/run/libvirt/libvirt-admin-sock", AdminSocketResolver.LocateSocket("libvirtd:///system"));
        Assert.Equal("/run/libvirt/virtqemud-admin-sock", AdminSocketResolver.LocateSocket("virtqemud:///system"));
        Assert.Equal("/run/libvirt/virtlogd-admin-sock", AdminSocketResolver.LocateSocket("virtlogd:///system"));
    }

    [Fact]
    public void SessionUrisUseTheUserRuntimeDirectory()
    {
        Assert.Equal("/run/user/1000/libvirt/libvirt-admin-sock", AdminSocketResolver.LocateSocket("libvirtd:///session", "/run/user/1000/libvirt"));
        Assert.Equal("/run/user/1000/libvirt/virtqemud-admin-sock", AdminSocketResolver.LocateSocket("virtqemud:///session", "/run/user/1000/libvirt"));
    }

    [Fact]
    public void SessionDirectoryFollowsXdgRuntimeDir()
    {
        string? saved = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        try
        {
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", "/run/user/4242");
            Assert.Equal("/run/user/4242/libvirt/libvirt-admin-sock", AdminSocketResolver.LocateSocket("libvirtd:///session"));
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", null);
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".cache", "libvirt", "libvirt-admin-sock"), AdminSocketResolver.LocateSocket("libvirtd:///session"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", saved);
        }
    }

    [Fact]
    public void SocketParameterWinsWhateverTheSchemeOrPath()
    {
        Assert.Equal("/tmp/a", AdminSocketResolver.LocateSocket("libvirtd:///system?socket=/tmp/a"));
        Assert.Equal("/tmp/b", AdminSocketResolver.LocateSocket("libvirtd+tcp://host/elsewhere?socket=/tmp/a&socket=/tmp/b"));
    }

    [Theory]
    [InlineData("libvirtd+tcp://host/system", "unsupported configuration: Unsupported URI scheme 'libvirtd+tcp'")]
    [InlineData("libvirtd+ssh://host/system", "unsupported configuration: Unsupported URI scheme 'libvirtd+ssh'")]
    [InlineData("qemu:///system", "unsupported configuration: Unsupported URI scheme 'qemu'")]
    [InlineData("libvirtd:///default", "unsupported configuration: Invalid URI path '/default', try '/system'")]
    [InlineData("libvirtd://", "unsupported configuration: Invalid URI path '', try '/system'")]
    [InlineData("libvirtd:///system?mode=legacy", "unsupported configuration: Unknown URI parameter 'mode'")]
    [InlineData("libvirtd:///system?socket=/a&mode=legacy", "unsupported configuration: Unknown URI parameter 'mode'")]
    public void NonAdminUrisAreRefusedAsLibvirtRefusesThem(string uri, string message)
    {
        LibvirtException error = Assert.Throws<LibvirtException>(() => AdminSocketResolver.LocateSocket(uri));
        Assert.Equal(message, error.Message);
        Assert.Equal(ErrorCode.ConfigUnsupported, error.Code);
        Assert.Equal(ErrorDomain.Admin, error.Domain);
    }

    [Fact]
    public void AdminConfigFileIsLibvirtAdminConf()
        => Assert.EndsWith("libvirt-admin.conf", AdminSocketResolver.DefaultConfigPath(), StringComparison.Ordinal);
}
