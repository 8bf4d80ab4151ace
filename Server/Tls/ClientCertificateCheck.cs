using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LibvirtRemote.Server.Tls;

/// <summary>libvirtd's checks of a TLS client's certificate, each failure named.</summary>
internal static class ClientCertificateCheck
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// Returns why the certificate is refused, or null when it is accepted. <paramref name="chainVerified"/> says that
    /// <paramref name="presented"/> was built from it with the CA-only policy and succeeded, so it is not built again;
    /// otherwise a chain is built here, with the certificates the client sent as intermediates.
    /// </summary>
    public static string? Check(X509Certificate2? certificate, X509Chain? presented, TlsServerOptions options, DateTime now, bool chainVerified)
    {
        if (certificate is null)
        {
            return "the client sent no certificate";
        }

        if (!chainVerified && ChainRefusal(certificate, presented, options, now) is { } untrusted)
        {
            return untrusted;
        }

        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage
                && !usage.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ClientAuthOid)
                && (usage.Critical || !options.LenientKeyUsage))
            {
                return "the client's certificate is not meant for a TLS client (extended key usage lacks clientAuth)";
            }
        }

        if (options.AllowedDnPatterns is { } patterns)
        {
            string dn = SubjectInEncodingOrder(certificate.SubjectName);
            if (!patterns.Any(p => Glob.IsMatch(p, dn)))
            {
                return $"the client's certificate DN '{dn}' is not in tls_allowed_dn_list";
            }
        }

        return null;
    }

    private static string? ChainRefusal(X509Certificate2 certificate, X509Chain? presented, TlsServerOptions options, DateTime now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(options.CaCertificates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        X509ChainStatusFlags flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return now > certificate.NotAfter ? "the client's certificate has expired" : "the client's certificate is not yet valid";
        }

        return $"the client's certificate '{certificate.Subject}' is not issued by a trusted CA";
    }

    /// <summary>The subject as libvirtd prints it: RDNs in the order the certificate stores them, comma separated.</summary>
    public static string SubjectInEncodingOrder(X500DistinguishedName name)
    {
        var text = new StringBuilder();
        foreach (X500RelativeDistinguishedName rdn in name.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            string oid = rdn.GetSingleElementType().Value ?? string.Empty;
            text.Append(ShortName(oid)).Append('=').Append(Escape(rdn.GetSingleElementValue() ?? string.Empty));
        }

        return text.ToString();
    }

    private static string ShortName(string oid) => oid switch
    {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "1.2.840.113549.1.9.1" => "EMAIL",
        _ => oid,
    };

    private static string Escape(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';')
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.ToString();
    }
}
