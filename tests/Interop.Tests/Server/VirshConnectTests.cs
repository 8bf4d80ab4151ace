using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>virsh reaches our server over each plain transport and gets libvirt's answers.</summary>
public sealed class VirshConnectTests
{
    [Fact]
    public async Task HostnameOverUnixAndTcp()
    {
        await using OurServer server = await OurServer.StartAsync();
        foreach (string uri in new[] { server.UnixUri, server.TcpUri, server.ReadOnlyUri })
        {
            ExternalProcess.Result result = (await ExternalProcess.VirshAsync(uri, "hostname").Within()).EnsureSuccess($"virsh -c {uri} hostname");
            Assert.Equal(Environment.MachineName, result.Stdout.Trim());
        }
    }

    [Fact]
    public async Task UnsupportedApiGivesLibvirtsNoSupportError()
    {
        await using OurServer server = await OurServer.StartAsync();
        const string Script = """
            import sys, libvirt
            c = libvirt.open(sys.argv[1])
            try:
                c.getSEVInfo(0)
            except libvirt.libvirtError as e:
                print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
            """;
        ExternalProcess.Result result = (await ExternalProcess.PythonAsync(Script, server.UnixUri).Within()).EnsureSuccess("python");
        Assert.Equal("3 20 this function is not supported by the connection driver: virNodeGetSEVInfo", result.Stdout.Trim());
    }
}
