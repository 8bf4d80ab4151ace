namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// Where a TLS client finds its CA certificate, certificate and private key, chosen as libvirt's remote driver
/// chooses them: <c>pkipath=DIR</c> wins; otherwise a non-root user's <c>~/.pki/libvirt/</c> supplies each file
/// it holds (the CA on its own, certificate and key only as a pair) and the system paths fill the rest.
/// </summary>
/// <param name="CaCertificate">PEM file with the CA certificate(s) the server's certificate must chain to.</param>
/// <param name="ClientCertificate">PEM file with our certificate.</param>
/// <param name="ClientKey">PEM file with our private key (PKCS#1 or PKCS#8).</param>
public sealed record TlsPkiFiles(string CaCertificate, string ClientCertificate, string ClientKey)
{
    /// <summary>System-wide CA certificate.</summary>
    public const string SystemCaCertificate = "/etc/pki/CA/cacert.pem";

    /// <summary>System-wide client certificate.</summary>
    public const string SystemClientCertificate = "/etc/pki/libvirt/clientcert.pem";

    /// <summary>System-wide client private key.</summary>
    public const string SystemClientKey = "/etc/pki/libvirt/private/clientkey.pem";

    /// <summary>Locates the files for the current process.</summary>
    /// <param name="pkiPath">The URI's <c>pkipath</c> parameter, if any.</param>
    public static TlsPkiFiles Locate(string? pkiPath)
        => Locate(pkiPath, !Environment.IsPrivilegedProcess, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), File.Exists);

    /// <summary>Locates the files with the decisions that depend on the process made explicit (for tests).</summary>
    /// <param name="pkiPath">The URI's <c>pkipath</c> parameter, if any.</param>
    /// <param name="tryUserDirectory">Whether <c>~/.pki/libvirt</c> is consulted (libvirt does so for non-root users).</param>
    /// <param name="home">The user's home directory.</param>
    /// <param name="exists">Tells whether a file exists.</param>
    public static TlsPkiFiles Locate(string? pkiPath, bool tryUserDirectory, string? home, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(exists);
        if (!string.IsNullOrEmpty(pkiPath))
        {
            return new TlsPkiFiles(
                Path.Combine(pkiPath, "cacert.pem"),
                Path.Combine(pkiPath, "clientcert.pem"),
                Path.Combine(pkiPath, "clientkey.pem"));
        }

        string ca = SystemCaCertificate;
        string cert = SystemClientCertificate;
        string key = SystemClientKey;
        if (tryUserDirectory && !string.IsNullOrEmpty(home))
        {
            string user = Path.Combine(home, ".pki", "libvirt");
            string userCa = Path.Combine(user, "cacert.pem");
            string userCert = Path.Combine(user, "clientcert.pem");
            string userKey = Path.Combine(user, "clientkey.pem");
            if (exists(userCa))
            {
                ca = userCa;
            }

            // A certificate is useless without its key: take the user's pair only when both are there.
            if (exists(userCert) && exists(userKey))
            {
                cert = userCert;
                key = userKey;
            }
        }

        return new TlsPkiFiles(ca, cert, key);
    }
}
