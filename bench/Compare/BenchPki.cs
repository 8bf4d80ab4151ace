namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made with the openssl tool and
/// laid out as libvirt's <c>pkipath=</c> expects (cacert.pem, clientcert.pem, clientkey.pem) plus the server's files.
/// </summary>
internal sealed class BenchPki : IDisposable
{
    private BenchPki(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaCert => Path.Combine(Directory, "cacert.pem");

    public string ServerCert => Path.Combine(Directory, "servercert.pem");

    public string ServerKey => Path.Combine(Directory, "serverkey.pem");

    public string Uri(int port) => $"test+tls://127.0.0.1:{port}/default?pkipath={Directory}";

    public static async Task<BenchPki> CreateAsync()
    {
        var pki = new BenchPki(System.IO.Directory.CreateTempSubdirectory("lvr-compare-pki-").FullName);
        string d = pki.Directory;
        await Tool.OutputAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=bench CA",
            "-keyout", Path.Combine(d, "cakey.pem"), "-out", pki.CaCert,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign").ConfigureAwait(false);
        await pki.IssueAsync("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n").ConfigureAwait(false);
        await pki.IssueAsync("client", "/O=bench/CN=client", "extendedKeyUsage=clientAuth\n").ConfigureAwait(false);
        return pki;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private async Task IssueAsync(string name, string subject, string extensions)
    {
        string key = Path.Combine(Directory, $"{name}key.pem");
        string request = Path.Combine(Directory, $"{name}.csr");
        string extFile = Path.Combine(Directory, $"{name}.ext");
        await File.WriteAllTextAsync(extFile, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" + extensions).ConfigureAwait(false);
        await Tool.OutputAsync("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key, "-out", request).ConfigureAwait(false);
        await Tool.OutputAsync("openssl", "x509", "-req", "-in", request, "-CA", CaCert, "-CAkey", Path.Combine(Directory, "cakey.pem"),
            "-CAcreateserial", "-days", "2", "-extfile", extFile, "-out", Path.Combine(Directory, $"{name}cert.pem")).ConfigureAwait(false);
    }
}
