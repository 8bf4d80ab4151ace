using System.Buffers;
using System.IO.Pipelines;
using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Client.Tests.Streams;

/// <summary>One frame as the fake server saw it, body copied out of the pipe.</summary>
internal sealed record ReceivedFrame(VirNetMessageHeader Header, byte[] Body);

/// <summary>
/// A scripted server on the other end of an in-memory pipe pair: the test reads what the client sent and
/// writes exactly the packets it wants, in the order it wants.
/// </summary>
internal sealed class FakePeer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly FrameReader _reader;

    public FakePeer()
    {
        _reader = new FrameReader(_toServer.Reader);
        Client = new RpcConnection(new DuplexPipe(_toClient.Reader, _toServer.Writer));
    }

    public RpcConnection Client { get; }

    public static VirNetMessageHeader Reply(ReceivedFrame call) => call.Header with { Type = VirNetMessageType.Reply, Status = VirNetMessageStatus.Ok };

    public static VirNetMessageHeader Stream(ReceivedFrame call, VirNetMessageStatus status = VirNetMessageStatus.Continue)
        => call.Header with { Type = VirNetMessageType.Stream, Status = status };

    public async Task<ReceivedFrame> ReadAsync()
    {
        Frame? frame = await _reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.True(frame.HasValue, "the client closed the connection");
        return new ReceivedFrame(frame.Value.Header, frame.Value.Body.ToArray());
    }

    public async Task SendAsync(VirNetMessageHeader header, ReadOnlyMemory<byte> body = default)
    {
        FrameWriter.Write(_toClient.Writer, header, body.Span);
        await _toClient.Writer.FlushAsync().AsTask().WaitAsync(Timeout);
    }

    public async Task SendAsync<T>(VirNetMessageHeader header, T body)
        where T : IXdrType<T>
    {
        FrameWriter.Write(_toClient.Writer, header, body);
        await _toClient.Writer.FlushAsync().AsTask().WaitAsync(Timeout);
    }

    public Task SendHoleAsync(ReceivedFrame call, long length)
        => SendAsync(call.Header with { Type = VirNetMessageType.StreamHole, Status = VirNetMessageStatus.Continue }, new VirNetStreamHole { Length = length });

    public Task SendErrorAsync(ReceivedFrame call, int code, string message)
        => SendAsync(Stream(call, VirNetMessageStatus.Error), new VirNetMessageError { Code = code, Domain = 18, Level = 2, Message = message, Int1 = -1, Int2 = -1 });

    /// <summary>The server side hangs up: the client's read loop sees end of input.</summary>
    public async Task HangUpAsync() => await _toClient.Writer.CompleteAsync();

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().AsTask().WaitAsync(Timeout);
        await _toClient.Writer.CompleteAsync();
        await _toServer.Reader.CompleteAsync();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
