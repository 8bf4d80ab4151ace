using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// Certificate contexts for client certificates, built once per certificate/key file pair and rebuilt when either
/// file changes. Loading the pair parses the private key with OpenSSL's decoders, and building a context builds the
/// certificate's chain; together they cost more CPU than the TLS handshake itself, so a client that opens many
/// connections pays them once per file change rather than on every connection.
/// </summary>
internal static class ClientCertificateCache
{
    private static readonly ConcurrentDictionary<(string Cert, string Key), Entry> Entries = new();

    /// <summary>The context for <paramref name="files"/>' certificate and key, or null when either file is missing.</summary>
    /// <exception cref="TlsNegotiationException">The files are there but cannot be loaded.</exception>
    public static SslStreamCertificateContext? ContextFor(TlsPkiFiles files)
    {
        // libvirt's client goes on without a certificate when the files are missing; the server then decides.
        if (FileStamp.Of(files.ClientCertificate) is not FileStamp cert || FileStamp.Of(files.ClientKey) is not FileStamp key)
        {
            return null;
        }

        if (Entries.TryGetValue((cert.Path, key.Path), out Entry? cached) && cached.Cert == cert && cached.Key == key)
        {
            return cached.Context;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(files.ClientCertificate, files.ClientKey);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new TlsNegotiationException($"TLS: cannot load the client certificate '{files.ClientCertificate}' with key '{files.ClientKey}': {e.Message}", e);
        }

        var context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        Entries[(cert.Path, key.Path)] = new Entry(cert, key, context);
        return context;
    }

    private sealed record Entry(FileStamp Cert, FileStamp Key, SslStreamCertificateContext Context);
}
