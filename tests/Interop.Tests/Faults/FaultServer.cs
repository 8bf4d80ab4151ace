using System.Diagnostics;
using System.Net;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.Tls;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// Our server in this process on real sockets (Unix, TCP, and optionally TLS and SASL-over-TCP listeners), with its
/// log captured so a test can check that no handler failed while clients misbehaved.
/// </summary>
internal sealed class FaultServer : IAsyncDisposable
{
    private readonly List<string> _log = [];

    private FaultServer(string dir) => Directory = dir;

    public LibvirtServer Server { get; private set; } = null!;

    public ObservedBackend Backend { get; private set; } = null!;

    public string Directory { get; }

    public string Socket => Path.Combine(Directory, "sock");

    public int TcpPort { get; private set; }

    public int TlsPort { get; private set; }

    public int SaslTcpPort { get; private set; }

    public string UnixUri => $"test+unix:///default?socket={Socket}";

    public string TcpUri => $"test+tcp://127.0.0.1:{TcpPort}/default";

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

    /// <summary>Starts the server; TLS listens when <paramref name="pki"/> is given, SASL over TCP when <paramref name="sasl"/> is.</summary>
    public static FaultServer Start(ServerBackend backend, ServerOptions? options = null, TestPki? pki = null, SaslServerOptions? sasl = null)
    {
        var ours = new FaultServer(System.IO.Directory.CreateTempSubdirectory("lr-faults-").FullName)
        {
            Backend = new ObservedBackend(backend),
        };
        ours.Server = new LibvirtServer(ours.Backend, options, ours.Write) { LogLevel = LogLevelName.Info, Sasl = sasl };
        ours.Server.ListenUnix(ours.Socket, new ListenerOptions(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ours.TcpPort = PrivateLibvirtd.FreeTcpPort();
        ours.Server.ListenTcp(new IPEndPoint(IPAddress.Loopback, ours.TcpPort), new ListenerOptions());
        if (pki is not null)
        {
            ours.TlsPort = PrivateLibvirtd.FreeTcpPort();
            ours.Server.ListenTls(
                new IPEndPoint(IPAddress.Loopback, ours.TlsPort),
                new ListenerOptions(),
                TlsServerOptions.FromPemFiles(pki.ServerCertFile, pki.ServerKeyFile, pki.CaFile));
        }

        if (sasl is not null)
        {
            ours.SaslTcpPort = PrivateLibvirtd.FreeTcpPort();
            ours.Server.ListenTcp(new IPEndPoint(IPAddress.Loopback, ours.SaslTcpPort), new ListenerOptions { Auth = ServerAuth.Sasl });
        }

        return ours;
    }

    /// <summary>
    /// Waits until the server has exactly <paramref name="count"/> clients and the backend's close hook has run for
    /// the others; returns how long that took.
    /// </summary>
    public async Task<TimeSpan> WaitForClientsAsync(int count, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan bound = limit ?? TimeSpan.FromSeconds(10);
        while (Server.ClientCount != count || Backend.Open.Count != count)
        {
            Assert.True(clock.Elapsed < bound, $"the server still has {Server.ClientCount} clients after {clock.Elapsed.TotalMilliseconds:F0} ms, expected {count}; log:\n{string.Join('\n', Log)}");
            await Task.Delay(5).ConfigureAwait(false);
        }

        return clock.Elapsed;
    }

    /// <summary>Waits until at least <paramref name="count"/> log lines contain <paramref name="text"/>; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForLogAsync(string text, int count)
    {
        var clock = Stopwatch.StartNew();
        while (Log.Count(line => line.Contains(text, StringComparison.Ordinal)) < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"fewer than {count} log lines with '{text}' after {clock.Elapsed.TotalMilliseconds:F0} ms; log:\n{string.Join('\n', Log)}");
            await Task.Delay(5).ConfigureAwait(false);
        }

        return clock.Elapsed;
    }

    /// <summary>No handler failed and the backend's close hook never threw: misbehaving clients are not server errors.</summary>
    public void AssertNoHandlerFailures()
    {
        string[] errors = [.. Log.Where(line => line.StartsWith("Error:", StringComparison.Ordinal))];
        Assert.True(errors.Length == 0, "server errors:\n" + string.Join('\n', errors));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Write(LogLevelName level, string message)
    {
        lock (_log)
        {
            _log.Add($"{level}: {message}");
        }
    }
}
