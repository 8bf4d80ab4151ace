using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// A misbehaving client built from a bare socket: it writes calls without waiting for replies, reads whatever frame
/// comes next, and can vanish with a TCP reset (linger 0) instead of a close, so the peer sees ECONNRESET and,
/// over TLS, no close_notify.
/// </summary>
internal sealed class RawWire : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly StreamDuplexPipe _pipe;
    private readonly FrameReader _reader;
    private uint _serial;

    private RawWire(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _pipe = new StreamDuplexPipe(stream);
        _reader = new FrameReader(_pipe.Input);
    }

    /// <summary>Connects over plain TCP.</summary>
    public static async Task<RawWire> ConnectTcpAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        return new RawWire(socket, new NetworkStream(socket, ownsSocket: false));
    }

    /// <summary>Connects to a Unix socket.</summary>
    public static async Task<RawWire> ConnectUnixAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        return new RawWire(socket, new NetworkStream(socket, ownsSocket: false));
    }

    /// <summary>Connects over TLS with the client certificate of a pkipath directory and reads the server's 0x01 byte.</summary>
    public static async Task<RawWire> ConnectTlsAsync(int port, string pkiDir)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        X509Certificate2 client = X509Certificate2.CreateFromPemFile(Path.Combine(pkiDir, "clientcert.pem"), Path.Combine(pkiDir, "clientkey.pem"));
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [client],
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(pkiDir, "cacert.pem"))) },
                RevocationMode = X509RevocationMode.NoCheck,
            },
        }).WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        byte[] confirmation = new byte[1];
        await tls.ReadExactlyAsync(confirmation).AsTask().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        Assert.Equal(1, confirmation[0]);
        return new RawWire(socket, tls);
    }

    /// <summary>The socket, for tests that write raw bytes (a partial TLS handshake).</summary>
    public Socket Socket => _socket;

    /// <summary>Writes one call without waiting for its reply; returns its serial.</summary>
    public async Task<uint> SendAsync<TArgs>(Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
    {
        uint serial = _serial++;
        FrameWriter.Write(_pipe.Output, Header(procedure, serial), args);
        await _pipe.Output.FlushAsync().AsTask().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        return serial;
    }

    /// <summary>Writes one call with an empty body without waiting for its reply.</summary>
    public Task<uint> SendAsync(Procedure procedure) => SendAsync(procedure, default(XdrVoid));

    /// <summary>Writes <paramref name="count"/> calls with an empty body in one write.</summary>
    public async Task SendManyAsync(Procedure procedure, int count)
    {
        for (int i = 0; i < count; i++)
        {
            FrameWriter.Write(_pipe.Output, Header(procedure, _serial++));
        }

        await _pipe.Output.FlushAsync().AsTask().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
    }

    /// <summary>Writes a raw packet (stream data) on the serial and procedure of an earlier call.</summary>
    public async Task SendStreamDataAsync(Procedure procedure, uint serial, ReadOnlyMemory<byte> data)
    {
        VirNetMessageHeader header = Header(procedure, serial);
        header.Type = VirNetMessageType.Stream;
        header.Status = VirNetMessageStatus.Continue;
        FrameWriter.Write(_pipe.Output, header, data.Span);
        await _pipe.Output.FlushAsync().AsTask().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
    }

    /// <summary>Sends a call and returns its successful reply's body, skipping keepalive and other messages.</summary>
    public async Task<TRet> CallAsync<TArgs, TRet>(Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        uint serial = await SendAsync(procedure, args).ConfigureAwait(false);
        Frame reply = await ReplyAsync(serial).ConfigureAwait(false);
        return reply.DecodeBody<TRet>();
    }

    /// <summary>Sends a call whose reply carries no body of interest.</summary>
    public async Task CallAsync<TArgs>(Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
        => await ReplyAsync(await SendAsync(procedure, args).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Reads the next frame (null at end of stream).</summary>
    public async Task<Frame?> ReadAsync() => await _reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);

    /// <summary>Vanishes: linger 0 then close, so the kernel sends RST and drops anything unsent.</summary>
    public void Reset()
    {
        _socket.LingerReset();
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            await _pipe.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }

        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    private static VirNetMessageHeader Header(Procedure procedure, uint serial) => new()
    {
        Prog = (uint)RemoteProtocol.RemoteProgram,
        Vers = (uint)RemoteProtocol.RemoteProtocolVersion,
        Proc = (int)procedure,
        Type = VirNetMessageType.Call,
        Serial = serial,
        Status = VirNetMessageStatus.Ok,
    };

    private async Task<Frame> ReplyAsync(uint serial)
    {
        while (true)
        {
            Frame? next = await ReadAsync().ConfigureAwait(false);
            Assert.True(next.HasValue, $"connection closed before the reply to serial {serial}");
            Frame frame = next.Value;
            if (frame.Header.Type != VirNetMessageType.Reply || frame.Header.Serial != serial)
            {
                continue;
            }

            if (frame.Header.Status == VirNetMessageStatus.Error)
            {
                VirNetMessageError error = frame.DecodeBody<VirNetMessageError>();
                Assert.Fail($"server error {error.Code} (domain {error.Domain}): {error.Message}");
            }

            return frame;
        }
    }
}
