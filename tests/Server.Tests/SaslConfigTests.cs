using System.Diagnostics;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.TestHypervisor;
using LibvirtRemote.Transport.Sasl.Server;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>
/// SASL from configuration: users added with the CLI's <c>sasl-user</c> command (secrets stored hashed), a server
/// started from libvirtd.conf text with <c>auth_tcp = "sasl"</c> and <c>sasl_allowed_username_list</c>, and
/// python3-libvirt logging in over plain TCP with DIGEST-MD5 and its security layer.
/// </summary>
public sealed class SaslConfigTests : IDisposable
{
    private const string Script = """
        import libvirt, sys
        uri, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
        def callback(credentials, data):
            for c in credentials:
                c[4] = user if c[0] == libvirt.VIR_CRED_AUTHNAME else password if c[0] == libvirt.VIR_CRED_PASSPHRASE else ""
            return 0
        libvirt.registerErrorHandler(lambda *_: None, None)
        try:
            c = libvirt.openAuth(uri, [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], callback, None], 0)
            print("OK", len(c.getCapabilities()) > 0 or True)
            c.close()
        except libvirt.libvirtError as e:
            print("ERR", e.get_error_code(), e.get_error_domain(), e.get_error_message())
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("lr-sasl-conf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task UsersFromTheCliLogInOverTcpAndTheAllowListIsEnforced()
    {
        string db = Path.Combine(_dir, "users");
        Assert.Equal(0, (await RunAsync("dotnet", [CliDll, "sasl-user", "add", "alice", "--db", db], "s3cret\n")).ExitCode);
        Assert.Equal(0, (await RunAsync("dotnet", [CliDll, "sasl-user", "add", "bob", "--db", db], "hunter2\n")).ExitCode);
        Assert.Equal("alice\nbob", (await RunAsync("dotnet", [CliDll, "sasl-user", "list", "--db", db], null)).Stdout.Trim());
        string stored = await File.ReadAllTextAsync(db);
        Assert.DoesNotContain("s3cret", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stored, StringComparison.Ordinal);

        ServerConfig config = ServerConfig.Parse($"""
            listen_tcp = 1
            listen_tls = 0
            listen_addr = "127.0.0.1"
            tcp_port = "0"
            auth_tcp = "sasl"
            sasl_allowed_username_list = [ "ali*" ]
            unix_sock_dir = "{Path.Combine(_dir, "run")}"
            """);
        await using ServerHost host = await ServerHost.StartAsync(config, new TestBackend(), _dir, saslUsers: await SaslUserDatabase.LoadAsync(db)).WaitAsync(TimeSpan.FromSeconds(20));
        string uri = $"test+tcp://127.0.0.1:{host.TcpEndPoint!.Port}/default";

        Assert.Equal("OK True", (await RunAsync("/usr/bin/python3", ["-c", Script, uri, "alice", "s3cret"], null)).Stdout.Trim());
        Assert.StartsWith("ERR 45 7 authentication failed", (await RunAsync("/usr/bin/python3", ["-c", Script, uri, "alice", "wrong"], null)).Stdout.Trim(), StringComparison.Ordinal);
        Assert.StartsWith("ERR 45 7 authentication failed", (await RunAsync("/usr/bin/python3", ["-c", Script, uri, "bob", "hunter2"], null)).Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaslWithoutAUserDatabaseIsRefusedAtStart()
    {
        ServerConfig config = ServerConfig.Parse($"""
            listen_tls = 0
            auth_unix_rw = "sasl"
            unix_sock_dir = "{Path.Combine(_dir, "run")}"
            """);
        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(() => ServerHost.StartAsync(config, new TestBackend(), _dir).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("--sasl-db", error.Message, StringComparison.Ordinal);
    }

    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "LibvirtRemote.Cli.dll");

    private static async Task<(int ExitCode, string Stdout)> RunAsync(string program, string[] arguments, string? stdin)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout;
        Assert.True(process.ExitCode == 0 || program != "dotnet", $"{program} failed: {await stderr}");
        return (process.ExitCode, output);
    }
}
