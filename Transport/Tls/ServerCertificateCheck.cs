using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// Checks a server certificate the way a libvirt client does (chain to the configured CA, validity period, host
/// name or address, key usage) and, unlike a bare handshake failure, says which check failed.
/// </summary>
public static class ServerCertificateCheck
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>Returns why <paramref name="certificate"/> is unacceptable for <paramref name="serverName"/>, or null when it is fine.</summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="intermediates">Other certificates the server sent.</param>
    /// <param name="trusted">The CA certificates from the CA file.</param>
    /// <param name="serverName">Host name or address the client connected to.</param>
    /// <param name="now">The time at which validity is judged.</param>
    public static string? Check(X509Certificate2 certificate, X509Certificate2Collection? intermediates, X509Certificate2Collection trusted, string serverName, DateTime now)
        => Check(certificate, intermediates, trusted, serverName, now, lenientExtendedKeyUsage: false);

    /// <summary>
    /// Returns why <paramref name="certificate"/> is unacceptable for <paramref name="serverName"/>, or null when it is fine;
    /// with <paramref name="lenientExtendedKeyUsage"/>, an extended key usage without serverAuth is tolerated when the
    /// extension is not marked critical, as libvirt (GnuTLS) does — it only warns.
    /// </summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="intermediates">Other certificates the server sent.</param>
    /// <param name="trusted">The CA certificates from the CA file.</param>
    /// <param name="serverName">Host name or address the client connected to.</param>
    /// <param name="now">The time at which validity is judged.</param>
    /// <param name="lenientExtendedKeyUsage">Accept a non-critical extended key usage that lacks serverAuth.</param>
    public static string? Check(X509Certificate2 certificate, X509Certificate2Collection? intermediates, X509Certificate2Collection trusted, string serverName, DateTime now, bool lenientExtendedKeyUsage)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(serverName);
        bool selfSigned = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        bool isTrustedItself = trusted.Any(t => t.RawData.AsSpan().SequenceEqual(certificate.RawData));
        if (selfSigned && !isTrustedItself)
        {
            return $"the server's certificate '{certificate.Subject}' is self-signed, not issued by a trusted CA";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }

        if (!chain.Build(certificate))
        {
            X509ChainStatusFlags flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
            {
                X509Certificate2 late = chain.ChainElements.Select(e => e.Certificate).FirstOrDefault(c => now < c.NotBefore || now > c.NotAfter) ?? certificate;
                string whose = ReferenceEquals(late, certificate) || late.RawData.AsSpan().SequenceEqual(certificate.RawData)
                    ? "the server's certificate"
                    : $"the CA certificate '{late.Subject}'";
                return now > late.NotAfter
                    ? $"{whose} expired on {Format(late.NotAfter)}"
                    : $"{whose} is not valid before {Format(late.NotBefore)}";
            }

            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            {
                return $"the server's certificate '{certificate.Subject}' (issuer '{certificate.Issuer}') is not issued by a trusted CA";
            }

            return $"the server's certificate failed verification: {string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()))}";
        }

        return CheckChainedCertificate(certificate, serverName, lenientExtendedKeyUsage);
    }

    /// <summary>
    /// The checks that remain once <paramref name="certificate"/> is known to chain to a trusted CA within its validity
    /// period: host name or address, and key usage. Returns why it is unacceptable, or null when it is fine.
    /// </summary>
    /// <param name="certificate">The server's certificate, already verified against the CA file.</param>
    /// <param name="serverName">Host name or address the client connected to.</param>
    /// <param name="lenientExtendedKeyUsage">Accept a non-critical extended key usage that lacks serverAuth.</param>
    public static string? CheckChainedCertificate(X509Certificate2 certificate, string serverName, bool lenientExtendedKeyUsage)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(serverName);
        if (!certificate.MatchesHostname(serverName, allowWildcards: true, allowCommonName: true))
        {
            return $"the server's certificate '{certificate.Subject}' is not issued for '{serverName}'";
        }

        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage
                && !usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ServerAuthOid)
                && (usage.Critical || !lenientExtendedKeyUsage))
            {
                return usage.Critical
                    ? "the server's certificate is not meant for a TLS server (its critical extended key usage lacks serverAuth)"
                    : "the server's certificate is not meant for a TLS server (extended key usage lacks serverAuth; libvirt only warns about this "
                        + "because the extension is not critical — allow it with LibvirtConnectionOptions.TlsLenientExtendedKeyUsage)";
            }
        }

        return null;
    }

    private static string Format(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
