using LibvirtRemote.Protocol;
using System.Diagnostics;
using System.Net;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// SASL login over the Unix socket against libvirtd 9.0.0 with Cyrus SASL (private sasldb, SCRAM-SHA-256,
/// SCRAM-SHA-1, PLAIN and DIGEST-MD5 enabled), compared with python3-libvirt on the same URIs.
/// </summary>
public sealed class SaslTests : IAsyncLifetime
{
    private const string User = "alice";
    private const string Password = "s3cret pass";
    private string _saslDirectory = null!;
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync()
    {
        _saslDirectory = Directory.CreateTempSubdirectory("lvr-sasl-").FullName;
        string db = Path.Combine(_saslDirectory, "sasldb2");
        await File.WriteAllTextAsync(Path.Combine(_saslDirectory, "libvirt.conf"), $"""
            mech_list: scram-sha-256 scram-sha-1 plain digest-md5
            sasldb_path: {db}

            """).Within();
        await RunAsync("/usr/sbin/saslpasswd2", ["-f", db, "-a", "libvirt", "-p", User], Password).Within();
        _daemon = await PrivateLibvirtd.StartAsync(
            environment: new Dictionary<string, string> { ["SASL_CONF_PATH"] = _saslDirectory },
            authUnixRw: "sasl").Within();
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        Directory.Delete(_saslDirectory, recursive: true);
    }

    private string UnixUri(string auth = "sasl") => $"test+unix:///default?socket={_daemon.SocketPath}&auth={auth}";

    [Theory]
    [InlineData("sasl.SCRAM-SHA-256")]
    [InlineData("sasl.SCRAM-SHA-1")]
    [InlineData("sasl.PLAIN")]
    [InlineData("sasl")]
    public async Task LogsInWithTheMechanismAndCallsLikePython(string auth)
    {
        var options = new LibvirtConnectionOptions { Credentials = new NetworkCredential(User, Password) };
        await using (LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri(auth), options).Within())
        {
            Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());
            Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());
        }

        Assert.Equal("OK 9000000", await PythonOpenAsync(UnixUri(auth), User, Password).Within());
    }

    [Fact]
    public async Task CredentialCallbackSuppliesUserAndPassword()
    {
        string? asked = null;
        var options = new LibvirtConnectionOptions
        {
            CredentialCallback = (request, _) =>
            {
                asked = request.Mechanism;
                return ValueTask.FromResult<NetworkCredential?>(new NetworkCredential(User, Password));
            },
        };
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri(), options).Within();
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());
        Assert.Equal("SCRAM-SHA-256", asked);
    }

    [Fact]
    public async Task AuthFileSuppliesCredentials()
    {
        string file = Path.Combine(_saslDirectory, "auth.conf");
        await File.WriteAllTextAsync(file, $"""
            [credentials-test]
            username={User}
            password={Password}

            [auth-libvirt-localhost]
            credentials=test

            """).Within();
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri() + "&authfile=" + file).Within();
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().Within());
    }

    [Theory]
    [InlineData("sasl.SCRAM-SHA-256", User, "wrong")]
    [InlineData("sasl.SCRAM-SHA-1", User, "wrong")]
    [InlineData("sasl.PLAIN", User, "wrong")]
    [InlineData("sasl.SCRAM-SHA-256", "mallory", Password)]
    [InlineData("sasl.PLAIN", "mallory", Password)]
    public async Task BadCredentialsFailWithAuthFailedLikePython(string auth, string user, string password)
    {
        var options = new LibvirtConnectionOptions { Credentials = new NetworkCredential(user, password) };
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => LibvirtConnection.OpenAsync(UnixUri(auth), options).Within());
        Assert.Equal(ErrorCode.AuthFailed, error.Code);
        Assert.Equal(ErrorDomain.Rpc, error.Domain);
        Assert.Equal("authentication failed: authentication failed", error.Message);
        Assert.Equal("ERR 45 7 authentication failed: authentication failed", await PythonOpenAsync(UnixUri(auth), user, password).Within());
    }

    [Fact]
    public async Task MechanismNotOfferedIsAClientSideErrorListingTheOfferedOnes()
    {
        var options = new LibvirtConnectionOptions { Credentials = new NetworkCredential(User, Password) };
        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(UnixUri("sasl.FOO"), options).Within());
        Assert.Equal("SASL mechanism FOO is not offered by the server (offered: SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, DIGEST-MD5)", error.Message);

        // Names are case-sensitive, as in Cyrus SASL.
        await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(UnixUri("sasl.plain"), options).Within());
        Assert.StartsWith("ERR 45 13 authentication failed: SASL mechanism FOO not supported by server", await PythonOpenAsync(UnixUri("sasl.FOO"), User, Password).Within());
    }

    [Fact]
    public async Task MissingCredentialsOrAuthFileAreClientSideErrors()
    {
        string empty = Path.Combine(_saslDirectory, "empty.conf");
        await File.WriteAllTextAsync(empty, "# nothing\n").Within();
        var options = new LibvirtConnectionOptions { CredentialCallback = (_, _) => ValueTask.FromResult<NetworkCredential?>(null) };
        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(UnixUri() + "&authfile=" + empty, options).Within());
        Assert.Contains("needs a user name and password", error.Message, StringComparison.Ordinal);

        error = await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(UnixUri() + "&authfile=/nonexistent-dir/none.conf", options).Within());
        Assert.StartsWith("Cannot read the auth file /nonexistent-dir/none.conf", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> PythonOpenAsync(string uri, string user, string password)
    {
        const string Script = """
            import libvirt, sys
            uri, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
            def callback(credentials, data):
                for c in credentials:
                    c[4] = user if c[0] == libvirt.VIR_CRED_AUTHNAME else password if c[0] == libvirt.VIR_CRED_PASSPHRASE else ""
                return 0
            libvirt.registerErrorHandler(lambda *_: None, None)
            try:
                c = libvirt.openAuth(uri, [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], callback, None], 0)
                print("OK", c.getLibVersion())
                c.close()
            except libvirt.libvirtError as e:
                print("ERR", e.get_error_code(), e.get_error_domain(), e.get_error_message())
            """;
        return (await RunAsync("/usr/bin/python3", ["-c", Script, uri, user, password], null)).Trim();
    }

    internal static async Task<string> RunAsync(string program, string[] arguments, string? input)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}");
        return output;
    }
}
