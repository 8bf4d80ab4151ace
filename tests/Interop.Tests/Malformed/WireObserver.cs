using System.Net.Sockets;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Interop.Tests.Malformed;

/// <summary>
/// One raw connection: does a case's setup, sends its bytes and describes what the server did, as text that can be
/// compared between servers: the first reply (status, code, domain, message, echoed header), "closed", or "silent";
/// then, unless the connection closed, how a probe call (AUTH_LIST, allowed in every state) is answered.
/// </summary>
internal sealed class WireObserver : IAsyncDisposable
{
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(10);
    private readonly StreamDuplexPipe _pipe;
    private readonly FrameReader _reader;
    private uint _serial;

    private WireObserver(StreamDuplexPipe pipe)
    {
        _pipe = pipe;
        _reader = new FrameReader(pipe.Input);
    }

    public static async Task<WireObserver> ConnectAsync(string socket)
        => new(await StreamDuplexPipe.ConnectUnixAsync(socket).WaitAsync(TimeSpan.FromSeconds(20)));

    public async Task SetUpAsync(Setup setup)
    {
        switch (setup)
        {
            case Setup.Open:
            case Setup.ReadOnlyOpen:
                Assert(await CallAsync(Wire.Frame(Wire.Remote, 1, (int)Procedure.ConnectOpen, 0, _serial, 0, Wire.Concat(Wire.Words(1), Wire.Str("test:///default"), Wire.Words(0)))), "reply ok");
                break;
            case Setup.Sasl:
                Assert(await CallAsync(Wire.Frame(Wire.Remote, 1, (int)Procedure.AuthList, 0, _serial, 0, [])), "reply ok");
                break;
            default:
                break;
        }
    }

    /// <summary>Sends the case's bytes and describes the outcome.</summary>
    public async Task<string> SendAsync(byte[] bytes, bool sendProbe)
    {
        string first = await ExchangeAsync(bytes, Silence);
        if (!sendProbe || first.EndsWith("closed", StringComparison.Ordinal))
        {
            return first;
        }

        string answer = await ExchangeAsync(Wire.Frame(Wire.Remote, 1, (int)Procedure.AuthList, 0, 900, 0, []), ProbeWait);
        return $"{first}; probe: {answer}";
    }

    public async ValueTask DisposeAsync() => await _pipe.DisposeAsync();

    private async Task<string> CallAsync(byte[] frame)
    {
        _serial++;
        return await ExchangeAsync(frame, ProbeWait);
    }

    private async Task<string> ExchangeAsync(byte[] bytes, TimeSpan wait)
    {
        try
        {
            await _pipe.Output.WriteAsync(bytes).AsTask().WaitAsync(ProbeWait);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            return "closed";
        }

        var extras = new List<string>();
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                Frame? frame = await _reader.ReadAsync(timeout.Token);
                if (frame is not { } f)
                {
                    return Join(extras, "closed");
                }

                VirNetMessageHeader h = f.Header;
                if (h.Type == VirNetMessageType.Reply)
                {
                    string echo = $"prog {h.Prog:x} vers {h.Vers} proc {h.Proc} serial {h.Serial}";
                    if (h.Status == VirNetMessageStatus.Error)
                    {
                        VirNetMessageError error = f.DecodeBody<VirNetMessageError>();
                        return Join(extras, $"error {error.Code}/{error.Domain} '{error.Message}' ({echo})");
                    }

                    return Join(extras, $"reply ok ({echo})");
                }

                // Stream packets (a screenshot's data) may come before or after the reply: timing, not behaviour.
                if (h.Type is VirNetMessageType.Stream or VirNetMessageType.StreamHole)
                {
                    continue;
                }

                // Other messages (keepalive) are noted once, not counted.
                string note = $"{h.Type} prog {h.Prog:x} proc {h.Proc} status {h.Status}";
                if (!extras.Contains(note))
                {
                    extras.Add(note);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return Join(extras, "silent");
        }
        catch (Exception e) when (e is IOException or SocketException or FrameException)
        {
            // A reset and an orderly close are the same outcome for the client: the connection is gone.
            return Join(extras, "closed");
        }
    }

    private static string Join(List<string> extras, string outcome) => extras.Count == 0 ? outcome : $"[{string.Join(", ", extras)}] {outcome}";

    private static void Assert(string outcome, string expectedStart)
    {
        if (!outcome.StartsWith(expectedStart, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Setup failed: {outcome}");
        }
    }
}
