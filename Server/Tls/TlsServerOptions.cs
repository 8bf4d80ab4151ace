using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Server;

/// <summary>The server side of libvirt's TLS: our certificate, the CA that issues client certificates, and the client checks.</summary>
public sealed record TlsServerOptions
{
    /// <summary>The server's certificate with its private key.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>CA certificates that client certificates must chain to.</summary>
    public required X509Certificate2Collection CaCertificates { get; init; }

    /// <summary>Whether a client must present a certificate that passes the checks (libvirtd's default; <c>tls_no_verify_certificate = 1</c> turns it off).</summary>
    public bool VerifyClientCertificate { get; init; } = true;

    /// <summary>
    /// fnmatch patterns for the client certificate's subject DN, written in the certificate's encoding order as
    /// libvirtd prints it (<c>tls_allowed_dn_list</c>); null allows every verified certificate.
    /// </summary>
    public IReadOnlyList<string>? AllowedDnPatterns { get; init; }

    /// <summary>
    /// Accept a client certificate whose extended key usage, not marked critical, lacks clientAuth (libvirt only
    /// warns about it). Off by default: we refuse such certificates.
    /// </summary>
    public bool LenientKeyUsage { get; init; }

    /// <summary>
    /// TLS versions offered. TLS 1.2 by default: a TLS 1.3 server sends session tickets after the handshake, and
    /// libvirt 9.0.0's client, which waits for the confirmation byte on a non-blocking socket, fails with "Unable to
    /// read TLS confirmation" when a ticket record arrives before that byte (every time in our measurements).
    /// </summary>
    public System.Security.Authentication.SslProtocols EnabledProtocols { get; init; } = System.Security.Authentication.SslProtocols.Tls12;

    /// <summary>How long a client may take for the TLS handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Loads libvirtd-style PEM files: <c>cert_file</c>, <c>key_file</c> and <c>ca_file</c>.</summary>
    public static TlsServerOptions FromPemFiles(string certFile, string keyFile, string caFile)
    {
        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);

        // An ephemeral key from PEM cannot be used by the TLS stack on every platform; a PKCS#12 round trip fixes that.
        X509Certificate2 server = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(caFile);
        return new TlsServerOptions { ServerCertificate = server, CaCertificates = ca };
    }
}
