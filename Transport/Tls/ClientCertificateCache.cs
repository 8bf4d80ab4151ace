using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// Certificate contexts for client certificates, built once per certificate/key file pair and rebuilt when either
/// file changes. Building a context builds the certificate's chain against the system store, which costs more CPU
/// than the TLS handshake itself; a client that opens many connections pays it once.
/// </summary>
internal static class ClientCertificateCache
{
    private static readonly ConcurrentDictionary<(string Cert, string Key), Entry> Entries = new();

    public static SslStreamCertificateContext ContextFor(TlsPkiFiles files, X509Certificate2 certificate)
    {
        (string, string) key = (Path.GetFullPath(files.ClientCertificate), Path.GetFullPath(files.ClientKey));
        Stamp stamp = Stamp.Of(files);
        if (Entries.TryGetValue(key, out Entry? cached) && cached.Stamp == stamp)
        {
            return cached.Context;
        }

        var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        Entries[key] = new Entry(stamp, context);
        return context;
    }

    private sealed record Entry(Stamp Stamp, SslStreamCertificateContext Context);

    private readonly record struct Stamp(DateTime CertWritten, long CertLength, DateTime KeyWritten, long KeyLength)
    {
        public static Stamp Of(TlsPkiFiles files)
        {
            var cert = new FileInfo(files.ClientCertificate);
            var key = new FileInfo(files.ClientKey);
            return new Stamp(cert.LastWriteTimeUtc, cert.Length, key.LastWriteTimeUtc, key.Length);
        }
    }
}
