using System.Diagnostics;
using LibvirtRemote.Server.Tests.Support;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>
/// <c>Cli serve</c> opens libvirtd's admin socket next to the others, with or without a config file, and an idle
/// timeout set through it (<c>virt-admin daemon-timeout</c>) ends the process as it ends libvirtd.
/// </summary>
public sealed class ServeAdminSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lvr-serve-admin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(null, "700")]
    [InlineData("0750", "750")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheAdminSocketAnswersVirtAdminAndItsIdleTimeoutEndsTheServer(string? adminPerms, string expectedMode)
    {
        string run = Path.Combine(_dir, "run");
        var arguments = new List<string> { CliDll, "serve", "--no-tcp", "--unix-dir", run };
        if (adminPerms is not null)
        {
            string config = Path.Combine(_dir, "libvirtd.conf");
            await File.WriteAllTextAsync(config, $"listen_tls = 0\nauth_unix_rw = \"none\"\nunix_sock_admin_perms = \"{adminPerms}\"\n");
            arguments = [CliDll, "serve", "--config", config, "--unix-dir", run];
        }

        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ForEach(start.ArgumentList.Add);
        using Process serve = Process.Start(start)!;
        Task<string> stderr = serve.StandardError.ReadToEndAsync();
        try
        {
            string socket = Path.Combine(run, "libvirt-admin-sock");
            Stopwatch waited = Stopwatch.StartNew();
            while (!File.Exists(socket))
            {
                if (serve.HasExited)
                {
                    Assert.Fail($"serve exited: {await stderr}");
                }

                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "no admin socket after 60 s");
                await Task.Delay(100);
            }

            Assert.Equal(expectedMode, Convert.ToString((int)File.GetUnixFileMode(socket), 8));
            string uri = $"libvirtd:///system?socket={socket}";
            (int code, string output) = await VirtAdmin.RunAsync(uri, "srv-list");
            Assert.True(code == 0, output);
            Assert.Contains("admin", output, StringComparison.Ordinal);
            Assert.Contains("libvirtd", output, StringComparison.Ordinal);
            Assert.False(serve.HasExited);

            // virt-admin disconnects after setting it, so the server is idle from then on.
            (code, output) = await VirtAdmin.RunAsync(uri, "daemon-timeout", "--timeout", "1");
            Assert.True(code == 0, output);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await serve.WaitForExitAsync(limit.Token);
            Assert.Equal(0, serve.ExitCode);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
                await serve.WaitForExitAsync();
            }
        }
    }

    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "LibvirtRemote.Cli.dll");
}
