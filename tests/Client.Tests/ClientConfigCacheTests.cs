using LibvirtRemote.Client;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>libvirt.conf is parsed once per version of the file, and an edit is seen by the next open.</summary>
public sealed class ClientConfigCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvr-conf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnUnchangedFileIsNotParsedAgain()
    {
        string path = Path.Combine(_dir, "libvirt.conf");
        File.WriteAllText(path, "uri_default = \"test:///default\"\n");
        ClientConfig first = ClientConfig.LoadCached(path);
        Assert.Same(first, ClientConfig.LoadCached(path));
        Assert.Equal("test:///default", first.UriDefault);
    }

    [Fact]
    public void AnEditedFileIsReadAgain()
    {
        string path = Path.Combine(_dir, "libvirt.conf");
        File.WriteAllText(path, "uri_default = \"test:///default\"\n");
        Assert.Equal("test:///default", ClientConfig.LoadCached(path).UriDefault);

        // Same length, new contents: the modification time tells them apart (set explicitly, as two writes within
        // one tick of the file system's clock would otherwise share it).
        File.WriteAllText(path, "uri_default = \"test:///othrdef\"\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("test:///othrdef", ClientConfig.LoadCached(path).UriDefault);

        File.Delete(path);
        Assert.Null(ClientConfig.LoadCached(path).UriDefault);
        File.WriteAllText(path, "uri_aliases = [ \"x=test:///default\" ]\n");
        Assert.Equal("test:///default", ClientConfig.LoadCached(path).Resolve("x", null));
    }
}
