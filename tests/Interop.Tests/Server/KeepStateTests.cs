using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server.TestHypervisor;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The test hypervisor starts over when its last client closes, as libvirtd's test driver does, so what one virsh
/// run defines is gone in the next; <c>keepStateWhenIdle</c> (<c>Cli serve --keep-state</c>) keeps it.
/// </summary>
public sealed class KeepStateTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WhatOneVirshRunDefinesOutlivesItOnlyWhenStateIsKept(bool keep)
    {
        await using OurServer server = await OurServer.StartAsync(new TestBackend(keepStateWhenIdle: keep)).Within();
        string xml = Path.Combine(Path.GetDirectoryName(server.Socket)!, "kept.xml");
        await File.WriteAllTextAsync(xml, "<domain type='test'><name>kept</name><memory>1024</memory><os><type>hvm</type></os></domain>");
        (await server.VirshAsync("define", xml).Within()).EnsureSuccess("virsh define");
        (await server.VirshAsync("destroy", "test").Within()).EnsureSuccess("virsh destroy");

        string names = (await server.VirshAsync("list", "--all", "--name").Within()).EnsureSuccess("virsh list").Stdout;
        string running = (await server.VirshAsync("list", "--name").Within()).EnsureSuccess("virsh list").Stdout;
        Assert.Equal(keep, names.Contains("kept", StringComparison.Ordinal));
        Assert.Equal(!keep, running.Contains("test", StringComparison.Ordinal));
    }
}
