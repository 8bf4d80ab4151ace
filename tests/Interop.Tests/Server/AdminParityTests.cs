using System.Text.RegularExpressions;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// virt-admin against libvirtd 9.0.0's admin socket and against ours: same commands, same output where the output is
/// deterministic; client ids and connect times are masked.
/// </summary>
public sealed partial class AdminParityTests
{
    private static async Task<(string Libvirtd, string Ours)> BothAsync(TestDriverPair pair, string ourAdmin, params string[] arguments)
    {
        string theirs = Path.Combine(Path.GetDirectoryName(pair.Libvirtd.SocketPath)!, "libvirt-admin-sock");
        ExternalProcess.Result expected = await ExternalProcess.RunAsync("virt-admin", ["-c", $"libvirtd:///system?socket={theirs}", .. arguments], timeout: TimeSpan.FromSeconds(20));
        ExternalProcess.Result actual = await ExternalProcess.RunAsync("virt-admin", ["-c", $"libvirtd:///system?socket={ourAdmin}", .. arguments], timeout: TimeSpan.FromSeconds(20));
        return (Mask(expected), Mask(actual));
    }

    private static string Mask(ExternalProcess.Result r)
        => Stamp().Replace($"exit {r.ExitCode}\n{r.Stdout}\n--- stderr\n{r.Stderr}", "ID unix TIME");

    private static string AdminSocket(TestDriverPair pair)
    {
        string path = Path.Combine(pair.Directory, "libvirt-admin-sock");
        pair.Ours.Server.ListenUnix(path, new ListenerOptions { Admin = true }, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    [Theory]
    [InlineData("version")]
    [InlineData("srv-list")]
    [InlineData("srv-threadpool-info libvirtd")]
    [InlineData("srv-threadpool-info admin")]
    [InlineData("srv-threadpool-info foo")]
    [InlineData("srv-clients-info libvirtd")]
    [InlineData("srv-clients-info admin")]
    [InlineData("srv-clients-list admin")]
    [InlineData("srv-clients-list libvirtd")]
    [InlineData("client-info libvirtd 999")]
    [InlineData("client-info nosuch 1")]
    [InlineData("client-disconnect libvirtd 999")]
    [InlineData("srv-threadpool-set libvirtd --min-workers 10 --max-workers 5")]
    [InlineData("srv-threadpool-set libvirtd --max-workers 0")]
    [InlineData("srv-threadpool-set nosuch --max-workers 3")]
    [InlineData("srv-clients-set libvirtd --max-clients 1")]
    [InlineData("srv-clients-set nosuch --max-clients 1")]
    [InlineData("daemon-log-filters bad")]
    [InlineData("daemon-log-filters 9:foo")]
    [InlineData("daemon-log-filters +0:x")]
    [InlineData("daemon-log-outputs x")]
    [InlineData("daemon-log-outputs 1:bogus")]
    [InlineData("daemon-log-outputs 1:stderr:extra")]
    [InlineData("daemon-log-outputs 5:stderr")]
    [InlineData("server-update-tls libvirtd")]
    [InlineData("server-update-tls admin")]
    [InlineData("server-update-tls nosuch")]
    [InlineData("daemon-timeout --timeout 0")]
    public async Task OneCommandAnswersAsLibvirtd(string command)
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        (string expected, string actual) = await BothAsync(pair, AdminSocket(pair), command.Split(' '));
        if (command == "srv-list")
        {
            // libvirtd lists its servers in hash-table order, which varies from run to run.
            (expected, actual) = (Rows(expected), Rows(actual));
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task EachServerNumbersItsClientsFromOneWhateverElseTheProcessServed()
    {
        // Clients of another server in this process must not move the pair's numbers, as no other libvirtd does.
        await using (OurServer other = await OurServer.StartAsync().Within())
        {
            for (int i = 0; i < 12; i++)
            {
                using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(other.Socket));
            }
        }

        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        (string expected, string actual) = await BothAsync(pair, AdminSocket(pair), "srv-clients-list", "admin");
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("srv-threadpool-set libvirtd --min-workers 2 --max-workers 7; srv-threadpool-info libvirtd")]
    [InlineData("srv-threadpool-set admin --max-workers 6; srv-threadpool-info admin")]
    [InlineData("srv-clients-set libvirtd --max-clients 100 --max-unauth-clients 50; srv-clients-info libvirtd")]
    [InlineData("daemon-log-filters '1:foo 2:+bar'; daemon-log-filters; daemon-log-filters ''; daemon-log-filters")]
    [InlineData("daemon-log-outputs '1:stderr 2:stderr'; daemon-log-outputs")]
    public async Task SequenceAnswersAsLibvirtd(string commands)
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        (string expected, string actual) = await BothAsync(pair, AdminSocket(pair), commands);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task ClientListInfoAndDisconnectSeeARealVirshClient()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string admin = AdminSocket(pair);
        string uri = $"libvirtd:///system?socket={admin}";
        // A virsh shell held open on the hypervisor socket: stdin stays open until the test ends.
        var start = new System.Diagnostics.ProcessStartInfo("virsh", ["-c", pair.OursUri])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var virsh = System.Diagnostics.Process.Start(start)!;
        try
        {
            await virsh.StandardInput.WriteLineAsync("list --all");
            await virsh.StandardInput.FlushAsync();
            string? list = null;
            for (int i = 0; i < 100 && (list is null || !list.Contains(" unix ", StringComparison.Ordinal)); i++)
            {
                await Task.Delay(100);
                list = (await ExternalProcess.RunAsync("virt-admin", ["-c", uri, "srv-clients-list", "libvirtd"])).Stdout;
            }

            Match row = ClientRow().Match(list!);
            Assert.True(row.Success, list);
            string id = row.Groups[1].Value;

            string info = (await ExternalProcess.RunAsync("virt-admin", ["-c", uri, "client-info", "libvirtd", id])).Stdout;
            Assert.Matches(@"id\s+: " + id, info);
            Assert.Matches(@"connection_time\s*: \d{4}-\d\d-\d\d", info);
            Assert.Matches(@"transport\s+: unix", info);
            Assert.Matches(@"readonly\s+: no", info);
            Assert.Matches(@"unix_user_id\s+: \d+", info);
            Assert.Matches(@"unix_process_id\s*: " + virsh.Id, info);

            ExternalProcess.Result closed = await ExternalProcess.RunAsync("virt-admin", ["-c", uri, "client-disconnect", "libvirtd", id]);
            Assert.Equal(0, closed.ExitCode);
            for (int i = 0; i < 50 && pair.Ours.Server.ClientCount > 1; i++)
            {
                await Task.Delay(100);
            }

            Assert.Equal(0, (await ExternalProcess.RunAsync("virt-admin", ["-c", uri, "srv-clients-list", "libvirtd"])).Stdout.Split('\n').Count(l => ClientRow().IsMatch(l)));
        }
        finally
        {
            if (!virsh.HasExited)
            {
                virsh.Kill();
            }

            await virsh.WaitForExitAsync();
        }
    }

    private static string Rows(string text)
        => string.Join('\n', text.Split('\n').Select(l => Regex.Replace(l, @"^ \d+ ", " N ")).Order(StringComparer.Ordinal));

    [GeneratedRegex(@"\b\d+\s+unix\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4}")]
    private static partial Regex Stamp();

    [GeneratedRegex(@"^\s*(\d+)\s+unix\s+\d{4}", RegexOptions.Multiline)]
    private static partial Regex ClientRow();
}
