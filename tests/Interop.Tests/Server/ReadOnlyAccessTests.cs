using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// virsh and python3-libvirt on a read-only connection (the -sock-ro socket, or VIR_CONNECT_RO on the read-write one)
/// get libvirt's refusal, code 29, and the call never reaches the backend.
/// </summary>
public sealed class ReadOnlyAccessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lr-ro-").FullName;
    private readonly MiniDomainBackend _backend = new();

    private string Socket => Path.Combine(_dir, "libvirt-sock");

    private string ReadOnlySocket => Path.Combine(_dir, "libvirt-sock-ro");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LibvirtServer Start()
    {
        var server = new LibvirtServer(_backend);
        server.ListenUnix(Socket, new ListenerOptions(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        server.ListenUnix(ReadOnlySocket, new ListenerOptions { ReadOnly = true });
        return server;
    }

    [Fact]
    public async Task VirshOnTheReadOnlySocketCannotDestroyOrSeeSecureXml()
    {
        await using LibvirtServer server = Start();
        string uri = $"test+unix:///default?socket={ReadOnlySocket}";
        ExternalProcess.Result destroy = await ExternalProcess.VirshAsync(uri, "destroy", "test").Within();
        Assert.NotEqual(0, destroy.ExitCode);
        Assert.Contains("error: operation forbidden: read only access prevents virDomainDestroy", destroy.Stderr, StringComparison.Ordinal);

        ExternalProcess.Result secure = await ExternalProcess.VirshAsync(uri, "dumpxml", "--security-info", "test").Within();
        Assert.NotEqual(0, secure.ExitCode);
        Assert.Contains("error: operation forbidden: virDomainGetXMLDesc with secure flag", secure.Stderr, StringComparison.Ordinal);

        ExternalProcess.Result plain = (await ExternalProcess.VirshAsync(uri, "dumpxml", "test").Within()).EnsureSuccess("virsh dumpxml");
        Assert.Contains("<name>test</name>", plain.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Destroyed);

        (await ExternalProcess.VirshAsync($"test+unix:///default?socket={Socket}", "destroy", "test").Within()).EnsureSuccess("virsh destroy on the read-write socket");
        Assert.Equal(1, _backend.Destroyed);
    }

    [Fact]
    public async Task PythonOpenReadOnlyOnTheReadWriteSocketIsRefusedWithCode29()
    {
        await using LibvirtServer server = Start();
        const string Script = """
            import sys, libvirt
            c = libvirt.openReadOnly(sys.argv[1])
            d = c.lookupByName('test')
            for f in (lambda: d.destroy(), lambda: d.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)):
                try:
                    f()
                    print('allowed')
                except libvirt.libvirtError as e:
                    print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
            print(c.getHostname() != '')
            c.close()
            """;
        ExternalProcess.Result result = (await ExternalProcess.PythonAsync(Script, $"test+unix:///default?socket={Socket}").Within()).EnsureSuccess("python");
        Assert.Equal(
            [
                "29 20 operation forbidden: read only access prevents virDomainDestroy",
                "29 20 operation forbidden: virDomainGetXMLDesc with secure flag",
                "True",
            ],
            result.Stdout.Trim().Split('\n'));
        Assert.Equal(0, _backend.Destroyed);
    }
}
