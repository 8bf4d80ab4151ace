using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Transport.Tls;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests;

/// <summary>The TLS transport against libvirtd 9.0.0 with TLS, and the client's certificate checks against bad servers.</summary>
public sealed class TlsTests : IClassFixture<TlsDaemons>
{
    private const string Refused = "the server closed the connection without confirming the TLS session";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TlsDaemons _tls;
    private readonly ITestOutputHelper _output;

    public TlsTests(TlsDaemons tls, ITestOutputHelper output)
    {
        _tls = tls;
        _output = output;
    }

    private string Uri(string pkiDir, string extra = "") => $"test+tls://127.0.0.1:{_tls.MainTlsPort}/default?pkipath={pkiDir}{extra}";

    [Fact]
    public async Task OpensOverTlsAndReadsTheTestDriver()
    {
        foreach (string uri in new[] { Uri(_tls.Pki.GoodDir), Uri(_tls.Pki.GoodPkcs1Dir), $"test+tls://localhost:{_tls.MainTlsPort}/default?pkipath={_tls.Pki.GoodDir}" })
        {
            await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout);
            Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
            NonnullDomain domain = Assert.Single(await connection.ListAllDomainsAsync().WaitAsync(Timeout));
            Assert.Equal("test", domain.Name);
        }
    }

    [Theory]
    [InlineData("NORMAL")]
    [InlineData("NORMAL:-VERS-TLS1.3")]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.3")]
    public async Task TlsPriorityIsAccepted(string priority)
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(Uri(_tls.Pki.GoodDir, "&tls_priority=" + System.Uri.EscapeDataString(priority))).WaitAsync(Timeout);
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ManyConcurrentCallersGetTheirRepliesFrameByFrame()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(Uri(_tls.Pki.GoodDir)).WaitAsync(Timeout);
        var clock = Stopwatch.StartNew();
        Task[] callers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync());
            }
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(Timeout);
        _output.WriteLine($"64 x 200 calls over TLS: {clock.Elapsed.TotalMilliseconds:F0} ms ({clock.Elapsed.TotalMilliseconds * 1000 / 12800:F1} µs per call)");
    }

    [Fact]
    public async Task FramesHandedOverInOneWriteAllGetReplies()
    {
        // More than libvirtd's max_client_requests (5), so it must pause reading and resume later.
        const uint Frames = 12;
        // libvirtd 9.0.0 overlooks a second frame that shares a TLS record with the first; the TLS pipe must split them.
        var options = new TlsClientOptions { ServerName = "127.0.0.1", Files = TlsPkiFiles.Locate(_tls.Pki.GoodDir) };
        await using StreamDuplexPipe pipe = await TlsClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _tls.MainTlsPort), options).WaitAsync(Timeout);
        for (uint serial = 0; serial < Frames; serial++)
        {
            FrameWriter.Write(pipe.Output, new VirNetMessageHeader
            {
                Prog = (uint)RemoteProtocol.RemoteProgram,
                Vers = (uint)RemoteProtocol.RemoteProtocolVersion,
                Proc = (int)Procedure.AuthList,
                Type = VirNetMessageType.Call,
                Serial = serial,
                Status = VirNetMessageStatus.Ok,
            });
        }

        await pipe.Output.FlushAsync().AsTask().WaitAsync(Timeout);
        var serials = new List<uint>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (serials.Count < Frames)
        {
            ReadResult read = await pipe.Input.ReadAsync(deadline.Token).AsTask().WaitAsync(Timeout);
            System.Buffers.ReadOnlySequence<byte> buffer = read.Buffer;
            while (buffer.Length >= 4)
            {
                byte[] word = buffer.Slice(0, 4).ToArray();
                uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(word);
                if (buffer.Length < length)
                {
                    break;
                }

                serials.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(20, 4).ToArray()));
                buffer = buffer.Slice(length);
            }

            pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            Assert.False(read.IsCompleted, "the server closed the connection");
        }

        Assert.Equal(Enumerable.Range(0, (int)Frames).Select(i => (uint)i), serials.Order());
    }

    [Fact]
    public async Task SameResultsAsPythonLibvirtOverTheSameUri()
    {
        string uri = Uri(_tls.Pki.GoodDir);
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout);
        ulong version = await connection.GetLibVersionAsync().WaitAsync(Timeout);
        string hostname = await connection.GetHostnameAsync().WaitAsync(Timeout);
        string names = string.Join(",", (await connection.ListAllDomainsAsync().WaitAsync(Timeout)).Select(d => d.Name).Order(StringComparer.Ordinal));
        string python = await RunPythonAsync(
            "import libvirt, sys\n" +
            "c = libvirt.open(sys.argv[1])\n" +
            "print(c.getLibVersion())\n" +
            "print(c.getHostname())\n" +
            "print(','.join(sorted(d.name() for d in c.listAllDomains())))\n" +
            "c.close()\n",
            uri);
        Assert.Equal($"{version}\n{hostname}\n{names}\n", python);
    }

    [Fact]
    public async Task ServerRefusesAClientWithoutCertificate()
        => await AssertRefusedAsync(Uri(_tls.Pki.NoClientCertDir), Refused);

    [Fact]
    public async Task ServerRefusesAClientCertificateFromAnotherCa()
        => await AssertRefusedAsync(Uri(_tls.Pki.ClientFromOtherCaDir), Refused);

    [Fact]
    public async Task ServerRefusesAClientCertificateWithTheWrongKeyUsage()
        => await AssertRefusedAsync(Uri(_tls.Pki.WrongUsageDir), Refused);

    [Fact]
    public async Task ServerRefusesADnOutsideItsAllowedList()
        => await AssertRefusedAsync($"test+tls://127.0.0.1:{_tls.OtherDnOnlyTlsPort}/default?pkipath={_tls.Pki.GoodDir}", Refused);

    [Fact]
    public async Task ClientRefusesAServerFromAnUnknownCaUnlessNoVerify()
    {
        await AssertRefusedAsync(Uri(_tls.Pki.UnknownCaDir), "is not issued by a trusted CA");
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(Uri(_tls.Pki.UnknownCaDir, "&no_verify=1")).WaitAsync(Timeout);
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
    }

    [Theory]
    [InlineData("expired", "the server's certificate expired on ")]
    [InlineData("notyetvalid", "the server's certificate is not valid before ")]
    [InlineData("wronghost", "is not issued for '127.0.0.1'")]
    [InlineData("selfsigned", "is self-signed, not issued by a trusted CA")]
    public async Task ClientRefusesABadServerCertificateNamingTheCause(string variant, string expected)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        X509Certificate2 certificate = _tls.Pki.BadServers[variant];
        Task server = Task.Run(async () =>
        {
            using TcpClient accepted = await listener.AcceptTcpClientAsync();
            await using var ssl = new SslStream(accepted.GetStream());
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
                await ssl.WriteAsync(new byte[] { 1 });
                _ = await ssl.ReadAsync(new byte[1]);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
            }
        });
        await AssertRefusedAsync($"test+tls://127.0.0.1:{port}/default?pkipath={_tls.Pki.GoodDir}", expected);
        await server.WaitAsync(Timeout);
    }

    [Fact]
    public async Task GoodInProcessServerPassesTheCertificateChecks()
    {
        // Control for the theory above: the same server with a good certificate gets past the checks to the RPC stage.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task server = Task.Run(async () =>
        {
            using TcpClient accepted = await listener.AcceptTcpClientAsync();
            await using var ssl = new SslStream(accepted.GetStream());
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _tls.Pki.BadServers["good"] });
            await ssl.WriteAsync(new byte[] { 1 });
        });
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => LibvirtConnection.OpenAsync($"test+tls://127.0.0.1:{port}/default?pkipath={_tls.Pki.GoodDir}").WaitAsync(Timeout));
        Assert.IsNotType<LibvirtClientException>(error);
        await server.WaitAsync(Timeout);
    }

    private async Task AssertRefusedAsync(string uri, string expected)
    {
        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(() => LibvirtConnection.OpenAsync(uri).WaitAsync(Timeout));
        _output.WriteLine(error.Message);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> RunPythonAsync(string script, string argument)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(process.ExitCode == 0, await error.WaitAsync(Timeout));
        return await output.WaitAsync(Timeout);
    }
}
