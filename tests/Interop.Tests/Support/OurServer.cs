using System.Net;
using LibvirtRemote.Server;
using LibvirtRemote.Server.TestHypervisor;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// Our server with the embedded test hypervisor, in this process, on a private directory's Unix sockets (read-write
/// and read-only) and a free loopback TCP port. Real clients (virsh, python3-libvirt) reach it through the URIs below.
/// </summary>
public sealed class OurServer : IAsyncDisposable
{
    private readonly string _dir;
    private readonly List<string> _log = [];

    private OurServer(string dir, LibvirtServer server, TestBackend backend, int tcpPort)
    {
        _dir = dir;
        Server = server;
        Backend = backend;
        TcpPort = tcpPort;
    }

    /// <summary>The server.</summary>
    public LibvirtServer Server { get; }

    /// <summary>Its backend (inspect or change the hypervisor state directly).</summary>
    public TestBackend Backend { get; }

    /// <summary>The read-write Unix socket.</summary>
    public string Socket => Path.Combine(_dir, "libvirt-sock");

    /// <summary>The read-only Unix socket.</summary>
    public string ReadOnlySocket => Path.Combine(_dir, "libvirt-sock-ro");

    /// <summary>The loopback TCP port (no authentication).</summary>
    public int TcpPort { get; }

    /// <summary>URI of the read-write Unix socket.</summary>
    public string UnixUri => $"test+unix:///default?socket={Socket}";

    /// <summary>URI of the read-only Unix socket.</summary>
    public string ReadOnlyUri => $"test+unix:///default?socket={ReadOnlySocket}";

    /// <summary>URI of the TCP listener.</summary>
    public string TcpUri => $"test+tcp://127.0.0.1:{TcpPort}/default";

    /// <summary>Log lines the server wrote (warnings and errors).</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Starts a server; <paramref name="options"/> overrides the limits.</summary>
    public static Task<OurServer> StartAsync(ServerOptions? options = null) => StartAsync(new TestBackend(), options);

    /// <summary>Starts a server on <paramref name="backend"/>; <paramref name="options"/> overrides the limits.</summary>
    public static Task<OurServer> StartAsync(TestBackend backend, ServerOptions? options = null)
    {
        string dir = Directory.CreateTempSubdirectory("lr-server-").FullName;
        List<string>? log = null;
        var server = new LibvirtServer(backend, options, (level, message) =>
        {
            lock (log!)
            {
                log.Add($"{level}: {message}");
            }
        });
        int port = PrivateLibvirtd.FreeTcpPort();
        var ours = new OurServer(dir, server, backend, port);
        log = ours._log;
        server.ListenUnix(ours.Socket, new ListenerOptions(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        server.ListenUnix(ours.ReadOnlySocket, new ListenerOptions { ReadOnly = true }, (UnixFileMode)0x1FF);
        server.ListenTcp(new IPEndPoint(IPAddress.Loopback, port), new ListenerOptions());
        return Task.FromResult(ours);
    }

    /// <summary>Runs virsh against the read-write Unix socket.</summary>
    public Task<ExternalProcess.Result> VirshAsync(params string[] arguments) => ExternalProcess.VirshAsync(UnixUri, arguments);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
