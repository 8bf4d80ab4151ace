using LibvirtRemote.Client;
using Xunit;

namespace LibvirtRemote.Client.Tests;

public class UnixSocketLocatorTests
{
    private static string Locate(string uri, bool readOnly = false, bool root = true, params string[] existing)
        => UnixSocketLocator.Locate(LibvirtUri.Parse(uri), readOnly, root, existing.Contains, "/home/u/.cache/libvirt");

    [Fact]
    public void SystemUriUsesLibvirtdSocketsWhenNoModularDaemonRuns()
    {
        Assert.Equal("/var/run/libvirt/libvirt-sock", Locate("qemu:///system"));
        Assert.Equal("/var/run/libvirt/libvirt-sock-ro", Locate("qemu:///system", readOnly: true));
    }

    [Fact]
    public void AutoModePrefersTheModularDaemonWhenItsSocketExists()
    {
        Assert.Equal("/var/run/libvirt/virtqemud-sock", Locate("qemu:///system", existing: "/var/run/libvirt/virtqemud-sock"));
        Assert.Equal("/var/run/libvirt/virtqemud-sock-ro", Locate("qemu:///system", readOnly: true, existing: "/var/run/libvirt/virtqemud-sock-ro"));
    }

    [Fact]
    public void ModeParameterForcesTheChoice()
    {
        Assert.Equal("/var/run/libvirt/libvirt-sock", Locate("qemu:///system?mode=legacy", existing: "/var/run/libvirt/virtqemud-sock"));
        Assert.Equal("/var/run/libvirt/virtnetworkd-sock", Locate("network:///system?mode=direct"));
        Assert.Throws<ArgumentException>(() => Locate("qemu:///system?mode=sideways"));
    }

    [Fact]
    public void SessionUrisUseThePerUserDaemonUnlessRoot()
    {
        Assert.Equal("/home/u/.cache/libvirt/libvirt-sock", Locate("qemu:///session", root: false));
        Assert.Equal("/home/u/.cache/libvirt/virtqemud-sock", Locate("qemu:///session", root: false, existing: "/home/u/.cache/libvirt/virtqemud-sock"));
        Assert.Equal("/home/u/.cache/libvirt/libvirt-sock", Locate("test+unix:///default", root: false));
        Assert.Equal("/var/run/libvirt/libvirt-sock", Locate("test+unix:///default", root: true));
    }
}
