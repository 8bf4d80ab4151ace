using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// The CA certificates of a CA file, parsed once per version of the file. Parsing PEM goes through OpenSSL's decoders,
/// which cost a noticeable share of a connection; a client that opens many connections pays it once per file change.
/// The returned collection is shared: callers read it and copy it into their own chain policies, never change it.
/// </summary>
internal static class TrustedCaCache
{
    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.Ordinal);

    /// <summary>The certificates in <paramref name="path"/>, from the cache when the file has not changed since.</summary>
    /// <exception cref="TlsNegotiationException">The file is missing, unreadable or holds no certificate.</exception>
    public static X509Certificate2Collection Load(string path)
    {
        FileStamp? stamp = FileStamp.Of(path);
        if (stamp is FileStamp known && Entries.TryGetValue(known.Path, out Entry? cached) && cached.Stamp == known)
        {
            return cached.Certificates;
        }

        X509Certificate2Collection trusted = Parse(path);
        if (stamp is FileStamp read)
        {
            Entries[read.Path] = new Entry(read, trusted);
        }

        return trusted;
    }

    private static X509Certificate2Collection Parse(string path)
    {
        var trusted = new X509Certificate2Collection();
        try
        {
            trusted.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsNegotiationException($"TLS: cannot read the CA certificate '{path}': {e.Message}", e);
        }

        if (trusted.Count == 0)
        {
            throw new TlsNegotiationException($"TLS: no certificate in the CA file '{path}'");
        }

        return trusted;
    }

    private sealed record Entry(FileStamp Stamp, X509Certificate2Collection Certificates);
}
