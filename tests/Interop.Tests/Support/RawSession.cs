using System.IO.Pipelines;
using System.Text;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// Speaks the remote program frame by frame with nothing but our codec and framing: one call, one reply,
/// serials from 0 like libvirt's C client. Replies are checked against the call's header.
/// </summary>
public sealed class RawSession(IDuplexPipe pipe)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly FrameReader _reader = new(pipe.Input);
    private uint _serial;

    /// <summary>Sends a call with a body and returns the decoded reply body.</summary>
    public async Task<TRet> CallAsync<TArgs, TRet>(Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        VirNetMessageHeader header = Header(procedure);
        FrameWriter.Write(pipe.Output, header, args);
        await pipe.Output.FlushAsync().ConfigureAwait(false);
        Frame frame = await ReplyAsync(header).ConfigureAwait(false);
        return frame.DecodeBody<TRet>();
    }

    /// <summary>Sends a call with an empty body and returns the decoded reply body.</summary>
    public async Task<TRet> CallAsync<TRet>(Procedure procedure)
        where TRet : IXdrType<TRet>
    {
        VirNetMessageHeader header = Header(procedure);
        FrameWriter.Write(pipe.Output, header);
        await pipe.Output.FlushAsync().ConfigureAwait(false);
        Frame frame = await ReplyAsync(header).ConfigureAwait(false);
        return frame.DecodeBody<TRet>();
    }

    /// <summary>Sends a call whose reply must be empty.</summary>
    public async Task CallVoidAsync<TArgs>(Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
    {
        VirNetMessageHeader header = Header(procedure);
        FrameWriter.Write(pipe.Output, header, args);
        await pipe.Output.FlushAsync().ConfigureAwait(false);
        Frame frame = await ReplyAsync(header).ConfigureAwait(false);
        Assert.Equal(0, frame.Body.Length);
    }

    /// <summary>Sends a call with an empty body whose reply must be empty.</summary>
    public async Task CallVoidAsync(Procedure procedure)
    {
        VirNetMessageHeader header = Header(procedure);
        FrameWriter.Write(pipe.Output, header);
        await pipe.Output.FlushAsync().ConfigureAwait(false);
        Frame frame = await ReplyAsync(header).ConfigureAwait(false);
        Assert.Equal(0, frame.Body.Length);
    }

    /// <summary>Sends a call expected to fail and returns the server's error body.</summary>
    public async Task<VirNetMessageError> CallFailingAsync<TArgs>(Procedure procedure, TArgs args)
        where TArgs : IXdrType<TArgs>
    {
        VirNetMessageHeader header = Header(procedure);
        FrameWriter.Write(pipe.Output, header, args);
        await pipe.Output.FlushAsync().ConfigureAwait(false);
        Frame frame = await ReadMatchingAsync(header).ConfigureAwait(false);
        Assert.Equal(VirNetMessageStatus.Error, frame.Header.Status);
        return frame.DecodeBody<VirNetMessageError>();
    }

    /// <summary>Sends a call of any program with a body given as bytes; returns the reply's status and body.</summary>
    public async Task<(VirNetMessageStatus Status, byte[] Body)> CallRawAsync(uint program, uint version, int procedure, byte[] body)
    {
        var header = new VirNetMessageHeader
        {
            Prog = program,
            Vers = version,
            Proc = procedure,
            Type = VirNetMessageType.Call,
            Serial = _serial++,
            Status = VirNetMessageStatus.Ok,
        };
        FrameWriter.Write(pipe.Output, header, body);
        await pipe.Output.FlushAsync().ConfigureAwait(false);
        Frame frame = await ReadMatchingAsync(header).ConfigureAwait(false);
        return (frame.Header.Status, System.Buffers.BuffersExtensions.ToArray(frame.Body));
    }

    /// <summary>Waits for the server to close the connection; fails if another frame arrives.</summary>
    public async Task ExpectClosedAsync()
    {
        Frame? frame = await _reader.ReadAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
        Assert.Null(frame);
    }

    private static string Describe(VirNetMessageError error)
        => $"server error {error.Code} (domain {error.Domain}): {error.Message}";

    private VirNetMessageHeader Header(Procedure procedure) => new()
    {
        Prog = (uint)RemoteProtocol.RemoteProgram,
        Vers = (uint)RemoteProtocol.RemoteProtocolVersion,
        Proc = (int)procedure,
        Type = VirNetMessageType.Call,
        Serial = _serial++,
        Status = VirNetMessageStatus.Ok,
    };

    private async Task<Frame> ReplyAsync(VirNetMessageHeader call)
    {
        Frame frame = await ReadMatchingAsync(call).ConfigureAwait(false);
        if (frame.Header.Status == VirNetMessageStatus.Error)
        {
            Assert.Fail(Describe(frame.DecodeBody<VirNetMessageError>()));
        }

        Assert.Equal(VirNetMessageStatus.Ok, frame.Header.Status);
        return frame;
    }

    private async Task<Frame> ReadMatchingAsync(VirNetMessageHeader call)
    {
        Frame? frame = await _reader.ReadAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
        Assert.True(frame.HasValue, $"connection closed before the reply to {(Procedure)call.Proc}");
        VirNetMessageHeader reply = frame.Value.Header;
        Assert.Equal(call.Prog, reply.Prog);
        Assert.Equal(call.Vers, reply.Vers);
        Assert.Equal(call.Proc, reply.Proc);
        Assert.Equal(VirNetMessageType.Reply, reply.Type);
        Assert.Equal(call.Serial, reply.Serial);
        return frame.Value;
    }

    /// <summary>Text of a NUL-padded C char array.</summary>
    public static string CString(byte[] chars) => Encoding.UTF8.GetString(chars.AsSpan(0, Math.Max(0, Array.IndexOf(chars, (byte)0) is int n && n >= 0 ? n : chars.Length)));

    /// <summary>A call body as our codec writes it, for <see cref="CallRawAsync"/>.</summary>
    public static byte[] Encode<T>(T value)
        where T : IXdrType<T>
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new XdrWriter(buffer);
        value.Encode(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An error reply's body as "code domain message", the parts two daemons' answers are compared on.</summary>
    public static string ErrorText(byte[] body)
    {
        var reader = new XdrReader(body);
        VirNetMessageError error = VirNetMessageError.Decode(ref reader);
        return $"{error.Code} {error.Domain} {error.Message}";
    }
}
