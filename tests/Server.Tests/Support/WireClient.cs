using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Server.Tests.Support;

/// <summary>A frame received by a <see cref="WireClient"/>, copied out of the pipe.</summary>
internal sealed record ReceivedFrame(VirNetMessageHeader Header, byte[] Body)
{
    public T Decode<T>()
        where T : IXdrType<T>
        => new Frame(Header, new ReadOnlySequence<byte>(Body), 0).DecodeBody<T>();

    public VirNetMessageError Error()
    {
        Assert.Equal(VirNetMessageStatus.Error, Header.Status);
        return Decode<VirNetMessageError>();
    }
}

/// <summary>
/// A client that speaks raw frames to a server: either over an in-memory pipe pair served by
/// <see cref="LibvirtServer.ServeAsync(IDuplexPipe, ListenerOptions, CancellationToken)"/>, or over any duplex pipe.
/// It writes exactly what the test says (including malformed frames) and reads whatever the server sends.
/// </summary>
internal sealed class WireClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly IDuplexPipe _pipe;
    private readonly FrameReader _reader;
    private uint _serial;

    public WireClient(IDuplexPipe pipe, Task? serving = null)
    {
        _pipe = pipe;
        _reader = new FrameReader(pipe.Input);
        Serving = serving ?? Task.CompletedTask;
    }

    /// <summary>Completes when the server is done with this client (in-memory clients only).</summary>
    public Task Serving { get; }

    /// <summary>Connects an in-memory client; <paramref name="clientPipe"/> tunes the server-to-client pipe (e.g. a small pause threshold).</summary>
    public static WireClient Connect(LibvirtServer server, ListenerOptions? listener = null, PipeOptions? clientPipe = null)
    {
        var toServer = new Pipe();
        var toClient = new Pipe(clientPipe ?? PipeOptions.Default);
        Task serving = server.ServeAsync(new DuplexPipe(toServer.Reader, toClient.Writer), listener ?? new ListenerOptions());
        return new WireClient(new DuplexPipe(toClient.Reader, toServer.Writer), serving);
    }

    public static VirNetMessageHeader CallHeader(Procedure procedure, uint serial) => new()
    {
        Prog = (uint)RemoteProtocol.RemoteProgram,
        Vers = (uint)RemoteProtocol.RemoteProtocolVersion,
        Proc = (int)procedure,
        Type = VirNetMessageType.Call,
        Serial = serial,
        Status = VirNetMessageStatus.Ok,
    };

    /// <summary>Queues a call with an empty body; returns its serial.</summary>
    public uint Send(Procedure procedure) => Send(CallHeader(procedure, _serial++));

    /// <summary>Queues a call; returns its serial.</summary>
    public uint Send<TArgs>(Procedure procedure, in TArgs args)
        where TArgs : IXdrType<TArgs>
    {
        VirNetMessageHeader header = CallHeader(procedure, _serial++);
        FrameWriter.Write(_pipe.Output, header, args);
        return header.Serial;
    }

    /// <summary>Queues a frame with this header and an empty body; returns its serial.</summary>
    public uint Send(in VirNetMessageHeader header)
    {
        FrameWriter.Write(_pipe.Output, header);
        return header.Serial;
    }

    /// <summary>Queues a keepalive message (PING 1, PONG 2).</summary>
    public void SendKeepalive(int procedure) => Send(new VirNetMessageHeader
    {
        Prog = (uint)KeepaliveProtocol.KeepaliveProgram,
        Vers = (uint)KeepaliveProtocol.KeepaliveProtocolVersion,
        Proc = procedure,
        Type = VirNetMessageType.Message,
        Serial = 0,
        Status = VirNetMessageStatus.Ok,
    });

    /// <summary>Queues raw bytes.</summary>
    public void SendRaw(ReadOnlySpan<byte> bytes) => _pipe.Output.Write(bytes);

    /// <summary>Queues just a length word.</summary>
    public void SendLengthWord(uint length)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, length);
        _pipe.Output.Write(word);
    }

    public async Task FlushAsync() => await _pipe.Output.FlushAsync().AsTask().WaitAsync(Timeout);

    /// <summary>The next frame, or null when the server closed the connection.</summary>
    public async Task<ReceivedFrame?> ReadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        Frame? frame = await _reader.ReadAsync(cts.Token);
        return frame is Frame f ? new ReceivedFrame(f.Header, f.Body.ToArray()) : null;
    }

    /// <summary>True when no frame arrives within <paramref name="quiet"/> (the connection stays open).</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan quiet)
    {
        using var cts = new CancellationTokenSource(quiet);
        try
        {
            Frame? frame = await _reader.ReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>
    /// When set, server keepalive pings that arrive while waiting for a reply are passed over;
    /// a server with keepalive on may send one at any moment.
    /// </summary>
    public bool SkipPingsInReplies { get; set; }

    /// <summary>Reads the next frame, which must be the reply to <paramref name="serial"/>.</summary>
    public async Task<ReceivedFrame> ReplyAsync(uint serial)
    {
        ReceivedFrame? frame = await ReadAsync();
        while (SkipPingsInReplies && frame is { Header.Type: VirNetMessageType.Message } && frame.Header.Prog == (uint)KeepaliveProtocol.KeepaliveProgram)
        {
            frame = await ReadAsync();
        }

        Assert.NotNull(frame);
        Assert.Equal(VirNetMessageType.Reply, frame.Header.Type);
        Assert.Equal(serial, frame.Header.Serial);
        return frame;
    }

    /// <summary>Sends a call and returns its reply.</summary>
    public async Task<ReceivedFrame> CallAsync(Procedure procedure)
    {
        uint serial = Send(procedure);
        await FlushAsync();
        return await ReplyAsync(serial);
    }

    /// <summary>Sends a call and returns its reply.</summary>
    public async Task<ReceivedFrame> CallAsync<TArgs>(Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
    {
        uint serial = Send(procedure, args);
        await FlushAsync();
        return await ReplyAsync(serial);
    }

    /// <summary>Opens the hypervisor connection.</summary>
    public async Task OpenAsync(uint flags = 0)
    {
        ReceivedFrame reply = await CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default", Flags = flags });
        Assert.Equal(VirNetMessageStatus.Ok, reply.Header.Status);
    }

    /// <summary>Waits for the server to close the connection, skipping keepalive pings.</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        while (await ReadAsync(timeout) is ReceivedFrame frame)
        {
            Assert.Equal((uint)KeepaliveProtocol.KeepaliveProgram, frame.Header.Prog);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pipe.Output.CompleteAsync();
        await _pipe.Input.CompleteAsync();
        if (_pipe is IAsyncDisposable socket)
        {
            await socket.DisposeAsync();
        }

        try
        {
            await Serving.WaitAsync(Timeout);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
