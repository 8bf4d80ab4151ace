using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// The client keeps parsed PKI files between connections; a file rewritten in place must be seen by the next open,
/// as libvirt (which reads them on every connection) would see it.
/// </summary>
public sealed class TlsPkiReloadTests : IClassFixture<TlsDaemons>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TlsDaemons _tls;
    private readonly string _dir = Directory.CreateTempSubdirectory("lvr-pki-reload-").FullName;
    private int _tick;

    public TlsPkiReloadTests(TlsDaemons tls) => _tls = tls;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RewrittenPkiFilesAreSeenByTheNextOpen()
    {
        string uri = $"test+tls://127.0.0.1:{_tls.MainTlsPort}/default?pkipath={_dir}";
        Install(_tls.Pki.GoodDir, "cacert.pem", "clientcert.pem", "clientkey.pem");
        await OpenAndCallAsync(uri);

        // Another CA in place of ours: the server's certificate no longer chains.
        Install(_tls.Pki.UnknownCaDir, "cacert.pem");
        LibvirtClientException refused = await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout));
        Assert.Contains("is not issued by a trusted CA", refused.Message, StringComparison.Ordinal);

        // Our CA back, but a client certificate from another CA: the server refuses us.
        Install(_tls.Pki.GoodDir, "cacert.pem");
        Install(_tls.Pki.ClientFromOtherCaDir, "clientcert.pem", "clientkey.pem");
        refused = await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout));
        Assert.Contains("without confirming the TLS session", refused.Message, StringComparison.Ordinal);

        Install(_tls.Pki.GoodDir, "clientcert.pem", "clientkey.pem");
        await OpenAndCallAsync(uri);
    }

    private static async Task OpenAndCallAsync(string uri)
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout);
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
    }

    private void Install(string from, params string[] names)
    {
        foreach (string name in names)
        {
            string target = Path.Combine(_dir, name);
            File.Copy(Path.Combine(from, name), target, overwrite: true);

            // The caches compare size and modification time; two copies within one tick of the file system's clock
            // could share a time, so each rewrite moves it on explicitly (a real rotation is seconds apart anyway).
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddSeconds(++_tick));
        }
    }
}
