using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests;

/// <summary>CALL_WITH_FDS / REPLY_WITH_FDS against a real libvirtd 9.0.0 (test driver) over its Unix socket.</summary>
public sealed class FdPassingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private PrivateLibvirtd _daemon = null!;
    private string _files = null!;

    public async Task InitializeAsync()
    {
        _daemon = await PrivateLibvirtd.StartAsync();
        _files = Directory.CreateTempSubdirectory("lvr-fdfiles-").FullName;
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(_daemon.Log);
        await _daemon.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    private string UnixUri => $"test+unix:///default?socket={_daemon.SocketPath}";

    [Fact]
    public async Task ServerAdvertisesFdPassingOverUnixOnly()
    {
        await using LibvirtConnection unix = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        Assert.True(unix.Rpc.CanPassFds);
        Assert.True(await unix.SupportsFdPassingAsync().WaitAsync(Timeout));

        await using LibvirtConnection tcp = await LibvirtConnection.OpenAsync($"test+tcp://127.0.0.1:{_daemon.TcpPort}/default").WaitAsync(Timeout);
        Assert.False(tcp.Rpc.CanPassFds);
        Assert.False(await tcp.SupportsFdPassingAsync().WaitAsync(Timeout));

        // libvirtd 9.0.0 answers 1 whatever the transport (the feature is "global"): only the client can tell.
        ConnectSupportsFeatureRet raw = await tcp.CallAsync<ConnectSupportsFeatureArgs, ConnectSupportsFeatureRet>(
            Procedure.ConnectSupportsFeature, new ConnectSupportsFeatureArgs { Feature = 8 }).AsTask().WaitAsync(Timeout);
        Assert.Equal(1, raw.Supported);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(32)]
    public async Task CreateXmlWithFilesPassesDescriptorsAndTheConnectionStaysInStep(int count)
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        SafeFileHandle[] files = OpenFiles(count);
        NonnullDomain created;
        try
        {
            // The test driver accepts the call and ignores the files (FD_PASSING is a global feature in 9.0.0),
            // but libvirtd itself must have taken one descriptor per dummy byte: a byte without a descriptor
            // makes it drop the client.
            created = await connection.DomainCreateXmlWithFilesAsync(DomainXml($"withfiles{count}"), files).WaitAsync(Timeout);
        }
        finally
        {
            Array.ForEach(files, f => f.Dispose());
        }

        Assert.Equal($"withfiles{count}", created.Name);

        // Had any dummy byte been left unread, the next frame would be misread and the connection dropped.
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
        Assert.Contains(await connection.ListAllDomainsAsync().WaitAsync(Timeout), d => d.Name == $"withfiles{count}");
        Assert.Equal("test", (await connection.LookupDomainByNameAsync("test").WaitAsync(Timeout)).Name);
        Assert.DoesNotContain("file descriptor", _daemon.Log, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CreateXmlWithFilesErrorReplyKeepsTheConnectionInStep()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        SafeFileHandle[] files = OpenFiles(2);
        try
        {
            LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(
                () => connection.DomainCreateXmlWithFilesAsync("<domain type='test'><name>broken", files).WaitAsync(Timeout));
            output.WriteLine($"code {error.Code} domain {error.Domain} level {error.Level}: {error.Message}");
            Assert.Equal(ErrorCode.XmlDetail, error.Code);
            Assert.Equal(ErrorDomain.Domain, error.Domain);
        }
        finally
        {
            Array.ForEach(files, f => f.Dispose());
        }

        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task CreateXmlWithFilesWithoutFilesStartsTheDomain()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        NonnullDomain created = await connection.DomainCreateXmlWithFilesAsync(DomainXml("nofiles"), []).WaitAsync(Timeout);
        Assert.Equal("nofiles", created.Name);
        Assert.Contains(await connection.ListAllDomainsAsync().WaitAsync(Timeout), d => d.Name == "nofiles");
    }

    [Fact]
    public async Task OpenGraphicsFdIsUnsupportedByTheTestDriver()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        NonnullDomain test = await connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(
            () => connection.DomainOpenGraphicsFdAsync(test, 0).WaitAsync(Timeout));
        output.WriteLine($"code {error.Code} domain {error.Domain}: {error.Message}");
        Assert.Equal(ErrorCode.NoSupport, error.Code);
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task FdCallOverTcpFailsBeforeAnythingIsSent()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync($"test+tcp://127.0.0.1:{_daemon.TcpPort}/default").WaitAsync(Timeout);
        SafeFileHandle[] files = OpenFiles(1);
        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(
            () => connection.DomainCreateXmlWithFilesAsync(DomainXml("tcp"), files).WaitAsync(Timeout));
        Assert.Contains("Unix socket", error.Message, StringComparison.Ordinal);
        files[0].Dispose();
        Assert.DoesNotContain(await connection.ListAllDomainsAsync().WaitAsync(Timeout), d => d.Name == "tcp");
    }

    private static string DomainXml(string name)
        => $"<domain type='test'><name>{name}</name><memory>1024</memory><os><type>hvm</type></os></domain>";

    private SafeFileHandle[] OpenFiles(int count)
    {
        var files = new SafeFileHandle[count];
        for (int i = 0; i < count; i++)
        {
            files[i] = File.OpenHandle(Path.Combine(_files, $"f{i}"), FileMode.Create, FileAccess.ReadWrite);
        }

        return files;
    }
}
