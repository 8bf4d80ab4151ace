using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using LibvirtRemote.Client;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Tests.Support;

/// <summary>A call the fake server received: header and a copy of the body.</summary>
internal sealed record ReceivedCall(VirNetMessageHeader Header, byte[] Body)
{
    public T Decode<T>()
        where T : IXdrType<T>
    {
        var reader = new XdrReader(Body);
        T value = T.Decode(ref reader);
        reader.EnsureEnd();
        return value;
    }
}

/// <summary>
/// A scripted libvirtd on an in-memory pipe pair, built on our framing: answers the client's handshake and event
/// registrations, and lets a test inject any message. <see cref="OnCall"/> runs before the default answer and can
/// take over a call (return true).
/// </summary>
internal sealed class FakeLibvirtd : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _loop;
    private int _nextCallbackId = 7;

    public FakeLibvirtd()
    {
        ClientPipe = new DuplexPipe(_toClient.Reader, _toServer.Writer);
        _loop = Task.Run(ServeAsync);
    }

    public IDuplexPipe ClientPipe { get; }

    public BlockingCollection<ReceivedCall> Calls { get; } = [];

    public Func<ReceivedCall, Task<bool>>? OnCall { get; set; }

    public static async Task<(FakeLibvirtd Server, LibvirtConnection Client)> StartAsync()
    {
        var server = new FakeLibvirtd();
        LibvirtConnection client = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default")).WaitAsync(TimeSpan.FromSeconds(30));
        return (server, client);
    }

    /// <summary>The next callback ID the default registration answer hands out.</summary>
    public int PeekCallbackId() => Volatile.Read(ref _nextCallbackId);

    public Task ReplyAsync<T>(VirNetMessageHeader call, T body)
        where T : IXdrType<T>
        => WriteAsync(call with { Type = VirNetMessageType.Reply, Status = VirNetMessageStatus.Ok }, body);

    public Task ReplyErrorAsync(VirNetMessageHeader call, VirNetMessageError error)
        => WriteAsync(call with { Type = VirNetMessageType.Reply, Status = VirNetMessageStatus.Error }, error);

    public Task SendEventAsync<T>(Procedure procedure, T body)
        where T : IXdrType<T>
        => WriteAsync(EventHeader(procedure), body);

    public async Task SendRawEventAsync(Procedure procedure, byte[] body)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            FrameWriter.Write(_toClient.Writer, EventHeader(procedure), body);
            await _toClient.Writer.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes arbitrary bytes to the client, framed or not.</summary>
    public async Task SendBytesAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _toClient.Writer.WriteAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Waits for the next call with procedure <paramref name="procedure"/>, skipping others.</summary>
    public ReceivedCall WaitForCall(Procedure procedure, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            ReceivedCall call = Calls.Take(cts.Token);
            if (call.Header.Proc == (int)procedure)
            {
                return call;
            }
        }
    }

    /// <summary>Closes the server's side: the client reads end of file.</summary>
    public async Task HangUpAsync()
    {
        await _toClient.Writer.CompleteAsync().ConfigureAwait(false);
        await _toServer.Reader.CompleteAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await HangUpAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }

        _writeLock.Dispose();
    }

    private static VirNetMessageHeader EventHeader(Procedure procedure) => new()
    {
        Prog = (uint)RemoteProtocol.RemoteProgram,
        Vers = (uint)RemoteProtocol.RemoteProtocolVersion,
        Proc = (int)procedure,
        Type = VirNetMessageType.Message,
        Serial = 1,
        Status = VirNetMessageStatus.Ok,
    };

    private async Task WriteAsync<T>(VirNetMessageHeader header, T body)
        where T : IXdrType<T>
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            FrameWriter.Write(_toClient.Writer, header, body);
            await _toClient.Writer.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ServeAsync()
    {
        var reader = new FrameReader(_toServer.Reader);
        try
        {
            while (await reader.ReadAsync().ConfigureAwait(false) is Frame frame)
            {
                var call = new ReceivedCall(frame.Header, frame.Body.ToArray());
                Calls.Add(call);
                if (OnCall is { } script && await script(call).ConfigureAwait(false))
                {
                    continue;
                }

                await AnswerAsync(call).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // The pipe was completed by HangUpAsync.
        }
    }

    private Task AnswerAsync(ReceivedCall call) => (Procedure)call.Header.Proc switch
    {
        Procedure.AuthList => ReplyAsync(call.Header, new AuthListRet { Types = [] }),
        Procedure.ConnectSupportsFeature => ReplyAsync(call.Header, new ConnectSupportsFeatureRet { Supported = 1 }),
        Procedure.ConnectGetLibVersion => ReplyAsync(call.Header, new ConnectGetLibVersionRet { LibVer = 9_000_000 }),
        Procedure.ConnectDomainEventCallbackRegisterAny => ReplyAsync(call.Header, new ConnectDomainEventCallbackRegisterAnyRet { CallbackID = NextCallbackId() }),
        Procedure.ConnectNetworkEventRegisterAny => ReplyAsync(call.Header, new ConnectNetworkEventRegisterAnyRet { CallbackID = NextCallbackId() }),
        _ => ReplyAsync(call.Header, default(XdrVoid)),
    };

    private int NextCallbackId() => Interlocked.Increment(ref _nextCallbackId) - 1;

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
