using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// Certificates for TLS tests, made with <see cref="CertificateRequest"/> and written as PEM: a CA, a server
/// certificate for 127.0.0.1/localhost, a client certificate "O=LibvirtRemote,CN=client1" (in that encoding order),
/// and bad variants. Each <c>…Dir</c> is a libvirt <c>pkipath</c> directory (cacert.pem, clientcert.pem, clientkey.pem).
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public TestPki()
    {
        Root = Directory.CreateTempSubdirectory("lvr-pki-").FullName;
        (Ca, CaKey) = MakeCa("LibvirtRemote Test CA");
        (OtherCa, OtherCaKey) = MakeCa("Some Other CA");
        WritePem(Path.Combine(Root, "cacert.pem"), Ca);
        WritePem(Path.Combine(Root, "othercacert.pem"), OtherCa);

        (X509Certificate2 server, RSA serverKey) = Issue(Ca, CaKey, Dn("LibvirtRemote", "localhost"), ServerUsage, ["localhost"], [IPAddress.Loopback]);
        ServerCertFile = Path.Combine(Root, "servercert.pem");
        ServerKeyFile = Path.Combine(Root, "serverkey.pem");
        WritePem(ServerCertFile, server);
        File.WriteAllText(ServerKeyFile, serverKey.ExportRSAPrivateKeyPem()); // PKCS#1, as certtool writes it

        (X509Certificate2 client, RSA clientKey) = Issue(Ca, CaKey, Dn("LibvirtRemote", "client1"), ClientUsage, [], []);
        GoodDir = PkiDir("good", Ca, client, clientKey.ExportPkcs8PrivateKeyPem());
        GoodPkcs1Dir = PkiDir("good-pkcs1", Ca, client, clientKey.ExportRSAPrivateKeyPem());
        NoClientCertDir = PkiDir("nocert", Ca, null, null);
        UnknownCaDir = PkiDir("unknownca", OtherCa, client, clientKey.ExportPkcs8PrivateKeyPem());

        (X509Certificate2 stranger, RSA strangerKey) = Issue(OtherCa, OtherCaKey, Dn("LibvirtRemote", "client1"), ClientUsage, [], []);
        ClientFromOtherCaDir = PkiDir("clientotherca", Ca, stranger, strangerKey.ExportPkcs8PrivateKeyPem());

        // serverAuth only, marked critical: libvirt tolerates a wrong purpose only when the extension is not critical.
        (X509Certificate2 wrongUsage, RSA wrongUsageKey) = Issue(Ca, CaKey, Dn("LibvirtRemote", "client1"), [new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: true)], [], []);
        WrongUsageDir = PkiDir("wrongusage", Ca, wrongUsage, wrongUsageKey.ExportPkcs8PrivateKeyPem());

        BadServers = new Dictionary<string, X509Certificate2>
        {
            ["expired"] = Issue(Ca, CaKey, Dn("LibvirtRemote", "localhost"), ServerUsage, ["localhost"], [IPAddress.Loopback], _now.AddDays(-30), _now.AddDays(-1)).WithKey(),
            ["notyetvalid"] = Issue(Ca, CaKey, Dn("LibvirtRemote", "localhost"), ServerUsage, ["localhost"], [IPAddress.Loopback], _now.AddDays(1), _now.AddDays(30)).WithKey(),
            ["wronghost"] = Issue(Ca, CaKey, Dn("LibvirtRemote", "other.example"), ServerUsage, ["other.example"], [IPAddress.Parse("192.0.2.7")]).WithKey(),
            ["selfsigned"] = SelfSignedServer(),
            ["good"] = server.CopyWithPrivateKey(serverKey),
        };
    }

    public string Root { get; }

    public X509Certificate2 Ca { get; }

    public RSA CaKey { get; }

    public X509Certificate2 OtherCa { get; }

    public RSA OtherCaKey { get; }

    public string ServerCertFile { get; }

    public string ServerKeyFile { get; }

    public string CaFile => Path.Combine(Root, "cacert.pem");

    public string GoodDir { get; }

    public string GoodPkcs1Dir { get; }

    public string NoClientCertDir { get; }

    public string UnknownCaDir { get; }

    public string ClientFromOtherCaDir { get; }

    public string WrongUsageDir { get; }

    /// <summary>Server certificates (with keys) for an in-process TLS server, by case name.</summary>
    public IReadOnlyDictionary<string, X509Certificate2> BadServers { get; }

    private static X509Extension[] ServerUsage =>
        [new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)];

    private static X509Extension[] ClientUsage =>
        [new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>O first, then CN, in encoding order (what libvirt's tls_allowed_dn_list sees).</summary>
    private static X500DistinguishedName Dn(string organization, string commonName)
    {
        // The builder encodes the last added RDN first (checked with virt-pki-query-dn).
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        builder.AddOrganizationName(organization);
        return builder.Build();
    }

    private static void WritePem(string path, X509Certificate2 certificate) => File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    private (X509Certificate2, RSA) MakeCa(string name)
    {
        RSA key = RSA.Create(2048);
        var request = new CertificateRequest(Dn("LibvirtRemote", name), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return (request.CreateSelfSigned(_now.AddDays(-2), _now.AddYears(5)), key);
    }

    private (X509Certificate2, RSA) Issue(X509Certificate2 ca, RSA caKey, X500DistinguishedName subject, X509Extension[] usage, string[] dnsNames, IPAddress[] addresses, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        RSA key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        foreach (X509Extension extension in usage)
        {
            request.CertificateExtensions.Add(extension);
        }

        if (dnsNames.Length + addresses.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (string dns in dnsNames)
            {
                san.AddDnsName(dns);
            }

            foreach (IPAddress address in addresses)
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        X509Certificate2 certificate = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), notBefore ?? _now.AddDays(-1), notAfter ?? _now.AddYears(1), serial);
        return (certificate, key);
    }

    private X509Certificate2 SelfSignedServer()
    {
        RSA key = RSA.Create(2048);
        var request = new CertificateRequest(Dn("LibvirtRemote", "localhost"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(ServerUsage[0]);
        return request.CreateSelfSigned(_now.AddDays(-1), _now.AddYears(1));
    }

    private string PkiDir(string name, X509Certificate2 ca, X509Certificate2? client, string? keyPem)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        WritePem(Path.Combine(dir, "cacert.pem"), ca);
        if (client is not null && keyPem is not null)
        {
            WritePem(Path.Combine(dir, "clientcert.pem"), client);
            File.WriteAllText(Path.Combine(dir, "clientkey.pem"), keyPem);
        }

        return dir;
    }
}

internal static class CertificateKeyExtensions
{
    public static X509Certificate2 WithKey(this (X509Certificate2 Certificate, RSA Key) pair) => pair.Certificate.CopyWithPrivateKey(pair.Key);
}
