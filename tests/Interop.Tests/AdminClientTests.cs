using System.Diagnostics;
using System.Globalization;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Admin;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// The admin client against a real private libvirtd 9.0.0's admin socket, each answer compared with what
/// <c>virt-admin</c> prints for the same query on the same daemon.
/// </summary>
public sealed class AdminClientTests : AdminClientTestsBase
{
    private PrivateLibvirtd _libvirtd = null!;

    protected override async Task<(IAsyncDisposable Daemon, string Directory, string Socket, string AdminSocket)> StartDaemonAsync()
    {
        _libvirtd = await PrivateLibvirtd.StartAsync();
        return (_libvirtd, _libvirtd.Directory, _libvirtd.SocketPath, Path.Combine(_libvirtd.Directory, "sock", "libvirt-admin-sock"));
    }
}

/// <summary>The same tests against our server's admin socket: our admin client and virt-admin must agree there too.</summary>
public sealed class AdminClientOnOurServerTests : AdminClientTestsBase
{
    protected override async Task<(IAsyncDisposable Daemon, string Directory, string Socket, string AdminSocket)> StartDaemonAsync()
    {
        OurServer server = await OurServer.StartAsync();
        string directory = Path.GetDirectoryName(server.Socket)!;
        string admin = Path.Combine(directory, "libvirt-admin-sock");
        server.Server.ListenUnix(admin, new LibvirtRemote.Server.ListenerOptions { Admin = true }, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (server, directory, server.Socket, admin);
    }
}

/// <summary>The admin client's tests, run against whichever daemon a subclass starts.</summary>
public abstract class AdminClientTestsBase : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private (IAsyncDisposable Handle, string Directory, string SocketPath) _daemon;

    private string AdminSocket { get; set; } = string.Empty;

    private string AdminUri => $"libvirtd:///system?socket={AdminSocket}";

    public async Task InitializeAsync()
    {
        (IAsyncDisposable handle, string directory, string socket, string adminSocket) = await StartDaemonAsync();
        _daemon = (handle, directory, socket);
        AdminSocket = adminSocket;
        var deadline = DateTime.UtcNow + Timeout;
        while (!File.Exists(AdminSocket) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync() => await _daemon.Handle.DisposeAsync();

    /// <summary>Starts the daemon under test: its handle, a private directory, its hypervisor and admin sockets.</summary>
    protected abstract Task<(IAsyncDisposable Daemon, string Directory, string Socket, string AdminSocket)> StartDaemonAsync();

    [Fact]
    public async Task VersionServersAndLookupMatchVirtAdmin()
    {
        await using LibvirtAdminConnection admin = await OpenAsync();
        Assert.Equal(AdminUri, admin.Uri);
        ulong version = await admin.GetLibVersionAsync();
        string expected = $"Running against daemon: {version / 1_000_000}.{version / 1000 % 1000}.{version % 1000}";
        Assert.Contains(expected, (await VirtAdminAsync("version")).Split('\n'));

        IReadOnlyList<AdminServer> servers = await admin.ListServersAsync();
        string[] rows = TableRows(await VirtAdminAsync("server-list")).Select(r => r[1]).ToArray();
        Assert.Equal(rows, servers.Select(s => s.Name).ToArray());
        Assert.Equal(["admin", "libvirtd"], rows.Order(StringComparer.Ordinal));
        Assert.Equal("libvirtd", (await admin.LookupServerAsync("libvirtd")).Name);
    }

    [Fact]
    public async Task ThreadPoolReadsAndSetsLikeVirtAdmin()
    {
        await using LibvirtAdminConnection admin = await OpenAsync();
        AdminServer server = await admin.LookupServerAsync("libvirtd");
        Assert.Equal(Fields(await VirtAdminAsync("server-threadpool-info", "libvirtd")), Format(await server.GetThreadPoolParametersAsync()));

        await server.SetThreadPoolParametersAsync([new TypedParameter(ThreadPoolParameters.WorkersMax, 30u), new TypedParameter(ThreadPoolParameters.WorkersMin, 3u)]);
        IReadOnlyList<(string, string)> after = Fields(await VirtAdminAsync("server-threadpool-info", "libvirtd"));
        Assert.Contains(("minWorkers", "3"), after);
        Assert.Contains(("maxWorkers", "30"), after);
        Assert.Equal(after, Format(await server.GetThreadPoolParametersAsync()));

        await VirtAdminAsync("server-threadpool-set", "libvirtd", "--priority-workers", "7");
        Assert.Contains(new TypedParameter(ThreadPoolParameters.WorkersPriority, 7u), await server.GetThreadPoolParametersAsync());
    }

    [Fact]
    public async Task ClientLimitsReadAndSetLikeVirtAdmin()
    {
        await using LibvirtAdminConnection admin = await OpenAsync();
        AdminServer server = await admin.LookupServerAsync("libvirtd");
        Assert.Equal(Fields(await VirtAdminAsync("server-clients-info", "libvirtd")), Format(await server.GetClientLimitsAsync()));

        await server.SetClientLimitsAsync([new TypedParameter(ClientLimitParameters.ClientsMax, 100u), new TypedParameter(ClientLimitParameters.UnauthenticatedClientsMax, 10u)]);
        IReadOnlyList<(string, string)> after = Fields(await VirtAdminAsync("server-clients-info", "libvirtd"));
        Assert.Contains(("nclients_max", "100"), after);
        Assert.Contains(("nclients_unauth_max", "10"), after);
        Assert.Equal(after, Format(await server.GetClientLimitsAsync()));
    }

    [Fact]
    public async Task LogFiltersAndOutputsSetAndReadBackLikeVirtAdmin()
    {
        await using LibvirtAdminConnection admin = await OpenAsync();
        Assert.Equal(LogLine(await VirtAdminAsync("daemon-log-outputs"), "Logging outputs"), await admin.GetLoggingOutputsAsync());
        Assert.Equal(LogLine(await VirtAdminAsync("daemon-log-filters"), "Logging filters"), await admin.GetLoggingFiltersAsync());

        string output = $"4:file:{_daemon.Directory}/second.log";
        await admin.SetLoggingOutputsAsync(output);
        await admin.SetLoggingFiltersAsync("1:util 2:rpc");
        Assert.Equal(output, LogLine(await VirtAdminAsync("daemon-log-outputs"), "Logging outputs"));
        string filters = LogLine(await VirtAdminAsync("daemon-log-filters"), "Logging filters");
        Assert.Equal("1:*util* 2:*rpc*", filters.TrimEnd());
        Assert.Equal(filters, await admin.GetLoggingFiltersAsync());

        await VirtAdminAsync("daemon-log-filters", "3:conf");
        Assert.Equal(LogLine(await VirtAdminAsync("daemon-log-filters"), "Logging filters"), await admin.GetLoggingFiltersAsync());
    }

    [Fact]
    public async Task ListsInspectsAndDisconnectsAVirshClientLikeVirtAdmin()
    {
        using Process virsh = Process.Start(ExternalProcess.StartInfo("virsh", ["-c", $"test+unix:///default?socket={_daemon.SocketPath}"], ExternalProcess.VirshEnvironment(null)))!;
        Task<string> virshErrors = virsh.StandardError.ReadToEndAsync();
        Task<string> virshOutput = virsh.StandardOutput.ReadToEndAsync();
        try
        {
            await using LibvirtAdminConnection admin = await OpenAsync();
            AdminServer server = await admin.LookupServerAsync("libvirtd");
            AdminClient client = await WaitForClientOfAsync(server, virsh.Id);

            string[][] rows = TableRows(await VirtAdminAsync("client-list", "libvirtd"));
            IReadOnlyList<AdminClient> ours = await server.ListClientsAsync();
            Assert.Equal(rows.Select(r => (r[0], r[1], r[2] + " " + r[3])), ours.Select(c => (Id(c), "unix", Since(c))));
            Assert.Equal(AdminClientTransport.Unix, client.Transport);

            IReadOnlyList<(string, string)> info = Fields(await VirtAdminAsync("client-info", "libvirtd", Id(client)));
            var expected = new List<(string, string)> { ("id", Id(client)), ("connection_time", Since(client)), ("transport", "unix") };
            expected.AddRange(Format(await client.GetInfoAsync()));
            Assert.Equal(info, expected);
            Assert.Contains(new TypedParameter(ClientInfoParameters.UnixProcessId, virsh.Id), await client.GetInfoAsync());
            Assert.Equal(Id(client), Id(await server.LookupClientAsync(client.Id)));

            await client.CloseAsync();
            await virsh.StandardInput.WriteLineAsync("quit");
            virsh.StandardInput.Close();
            await virsh.WaitForExitAsync().WaitAsync(Timeout);
            Assert.Contains("error: Disconnected from test+unix:///default", await virshErrors);
            Assert.Contains("due to end of file", await virshErrors);
            Assert.Empty(TableRows(await VirtAdminAsync("client-list", "libvirtd")));
            Assert.Empty(await server.ListClientsAsync());
            _ = await virshOutput;
        }
        finally
        {
            if (!virsh.HasExited)
            {
                virsh.Kill();
            }
        }
    }

    [Fact]
    public async Task ErrorsCarryLibvirtsCodeDomainAndText()
    {
        await using LibvirtAdminConnection admin = await OpenAsync();
        LibvirtException noServer = await Assert.ThrowsAsync<LibvirtException>(() => admin.LookupServerAsync("nosuch"));
        // The lookup fails in the daemon's RPC layer, which names its own domain.
        Assert.Equal((ErrorCode.NoServer, ErrorDomain.Rpc), (noServer.Code, noServer.Domain));
        Assert.Equal(await VirtAdminErrorAsync("server-clients-info", "nosuch"), noServer.Message);

        // Setting a thread pool on a server that is gone fails in the admin dispatcher, which says it its own way.
        LibvirtException gone = await Assert.ThrowsAsync<LibvirtException>(
            () => admin.Calls.AdminServerSetThreadpoolParametersAsync(new AdminServerSetThreadpoolParametersArgs { Srv = new AdminNonnullServer { Name = "nosuch" }, Params = [] }).AsTask());
        Assert.Equal((ErrorCode.NoServer, ErrorDomain.Admin), (gone.Code, gone.Domain));
        Assert.Equal("Server not found: no server with matching name 'nosuch' found", gone.Message);

        AdminServer server = await admin.LookupServerAsync("libvirtd");
        LibvirtException noClient = await Assert.ThrowsAsync<LibvirtException>(() => server.LookupClientAsync(99));
        Assert.Equal((ErrorCode.NoClient, ErrorDomain.Rpc), (noClient.Code, noClient.Domain));
        Assert.Equal(await VirtAdminErrorAsync("client-info", "libvirtd", "99"), noClient.Message);

        LibvirtException noTls = await Assert.ThrowsAsync<LibvirtException>(() => server.UpdateTlsFilesAsync());
        Assert.Equal(ErrorCode.InternalError, noTls.Code);
        Assert.Equal(await VirtAdminErrorAsync("server-update-tls", "libvirtd"), noTls.Message);

        // 9.0.0 has 19 admin procedures; the twentieth came later.
        UnknownProcedureException unknown = await Assert.ThrowsAsync<UnknownProcedureException>(() => admin.DaemonShutdownAsync());
        Assert.Equal("unknown procedure: 20", unknown.Message);
        Assert.Equal(9_000_000UL, await admin.GetLibVersionAsync());
    }

    [Fact]
    public async Task RemoteAndForeignUrisAreRefusedWithVirtAdminsWords()
    {
        foreach (string uri in new[] { "libvirtd+tcp://localhost/system", "libvirtd:///elsewhere", "qemu:///system", $"libvirtd:///system?socket={AdminSocket}&mode=direct" })
        {
            LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => LibvirtAdminConnection.OpenAsync(uri));
            Assert.Equal((ErrorCode.ConfigUnsupported, ErrorDomain.Admin), (error.Code, error.Domain));
            ExternalProcess.Result refused = await ExternalProcess.RunAsync("virt-admin", ["-c", uri, "version"], environment: ExternalProcess.VirshEnvironment(null));
            Assert.Equal("error: " + error.Message, refused.Stderr.Split('\n')[1]);
        }
    }

    [Fact]
    public async Task DaemonTimeoutIsAcceptedAndClosingOurOwnAdminClientEndsTheConnection()
    {
        await using LibvirtAdminConnection admin = await OpenAsync();
        await admin.SetDaemonTimeoutAsync(0);
        Assert.Equal(0, (await ExternalProcess.RunAsync("virt-admin", ["-c", AdminUri, "daemon-timeout", "--timeout", "0"])).ExitCode);

        AdminServer adminServer = await admin.LookupServerAsync("admin");
        IReadOnlyList<AdminClient> clients = await adminServer.ListClientsAsync();
        AdminClient self = Assert.Single(clients);
        Assert.True(admin.IsAlive);
        await self.CloseAsync().ContinueWith(_ => { });
        Assert.Equal(CloseReason.Eof, await admin.Closed.WaitAsync(Timeout));
        Assert.False(admin.IsAlive);

        LibvirtAdminConnection second = await OpenAsync();
        await second.DisposeAsync();
        Assert.Equal(CloseReason.Client, await second.Closed.WaitAsync(Timeout));
    }

    private static string Id(AdminClient client) => client.Id.ToString(CultureInfo.InvariantCulture);

    // virt-admin prints local time with a +hhmm offset.
    private static string Since(AdminClient client)
    {
        DateTimeOffset local = client.ConnectedAt.ToLocalTime();
        TimeSpan offset = local.Offset;
        return local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString("hhmm", CultureInfo.InvariantCulture);
    }

    private static async Task<AdminClient> WaitForClientOfAsync(AdminServer server, int pid)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            foreach (AdminClient client in await server.ListClientsAsync())
            {
                if ((await client.GetInfoAsync()).Contains(new TypedParameter(ClientInfoParameters.UnixProcessId, pid)))
                {
                    return client;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "virsh never showed up as a client");
            await Task.Delay(100);
        }
    }

    private static List<(string, string)> Format(IEnumerable<TypedParameter> parameters)
        => parameters.Select(p => (p.Name, p.Value switch
        {
            bool b => b ? "yes" : "no",
            object v => Convert.ToString(v, CultureInfo.InvariantCulture)!,
        })).ToList();

    // "name   : value" lines.
    private static List<(string, string)> Fields(string output)
        => output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (line[..line.IndexOf(':', StringComparison.Ordinal)].Trim(), line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
            .ToList();

    // Rows under virt-admin's two header lines, split on blanks.
    private static string[][] TableRows(string output)
        => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();

    private static string LogLine(string output, string label)
    {
        string line = output.Split('\n').Single(l => l.StartsWith($" {label}: ", StringComparison.Ordinal));
        return line[(label.Length + 3)..];
    }

    private Task<LibvirtAdminConnection> OpenAsync() => LibvirtAdminConnection.OpenAsync(AdminUri).WaitAsync(Timeout);

    private async Task<string> VirtAdminAsync(params string[] arguments)
        => (await ExternalProcess.RunAsync("virt-admin", ["-c", AdminUri, .. arguments], environment: ExternalProcess.VirshEnvironment(null)))
            .EnsureSuccess("virt-admin " + string.Join(' ', arguments)).Stdout;

    private async Task<string> VirtAdminErrorAsync(params string[] arguments)
    {
        ExternalProcess.Result result = await ExternalProcess.RunAsync("virt-admin", ["-c", AdminUri, .. arguments], environment: ExternalProcess.VirshEnvironment(null));
        Assert.NotEqual(0, result.ExitCode);
        return result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()["error: ".Length..];
    }
}
