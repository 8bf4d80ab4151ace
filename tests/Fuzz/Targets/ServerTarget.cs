using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using LibvirtRemote.Client;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.TestHypervisor;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sasl.Server;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Fuzz.Targets;

/// <summary>
/// A whole server connection: the input is the byte stream one client sends (seeds: the client side of each golden
/// session, and a SASL PLAIN session), fed over an in-memory pipe to <see cref="LibvirtServer.ServeAsync"/> with the
/// embedded test hypervisor (every third session on a listener that requires SASL, every fifth read-only);
/// then the client's end is closed. The session must end on its own within the time bound, handlers must not fail
/// with anything but libvirt errors (the server logs those at Error level), what the server sends must be valid
/// frames, and every so often a fresh, well-behaved client must still be served.
/// </summary>
public sealed class ServerTarget : IFuzzTarget, IDisposable
{
    private static readonly TimeSpan SessionBound = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly LibvirtServer _server;
    private readonly DecoderTarget _decoder = new();
    private long _sessions;

    /// <summary>Starts the server (in memory; no sockets).</summary>
    public ServerTarget()
    {
        var users = new SaslUserDatabase("fuzz");
        users.AddUser("user", "pencil", iterations: 16);
        _server = new LibvirtServer(new TestBackend(), log: (level, message) =>
        {
            if (level >= LogLevelName.Error)
            {
                _errors.Enqueue(message);
            }
        })
        {
            Sasl = new SaslServerOptions { Users = users },
        };
    }

    /// <inheritdoc/>
    public string Name => "server";

    /// <inheritdoc/>
    public bool MeasuresAllocation => false;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus)
        => [.. corpus.ClientSessions(), .. corpus.Frames.Where(f => f.FromClient).Select(f => f.Bytes), SaslSession()];

    /// <inheritdoc/>
    public bool IsExpected(Exception exception) => exception is ShallowSessionException;

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        _errors.Clear();
        _sessions++;
        var toServer = new Pipe();
        var toClient = new Pipe();
        var listener = new ListenerOptions { ReadOnly = _sessions % 5 == 0, Auth = _sessions % 3 == 0 ? ServerAuth.Sasl : ServerAuth.None };
        using var timeout = new CancellationTokenSource(SessionBound);
        Task serve = _server.ServeAsync(new Duplex(toServer.Reader, toClient.Writer), listener, timeout.Token);
        Task<int> drain = DrainAsync(toClient.Reader);

        // Feed in a few writes, as a socket would deliver it.
        int chunk = Math.Max(1, input.Length / 3);
        for (int at = 0; at < input.Length; at += chunk)
        {
            toServer.Writer.Write(input.AsSpan(at, Math.Min(chunk, input.Length - at)));
            _ = toServer.Writer.FlushAsync().AsTask().Wait(SessionBound);
        }

        toServer.Writer.Complete();
        bool ended = serve.Wait(SessionBound + TimeSpan.FromSeconds(2));
        if (!ended || timeout.IsCancellationRequested)
        {
            throw new FuzzInvariantException($"The server did not end the session within {SessionBound.TotalSeconds:F0} s after the client closed its end");
        }

        if (serve.IsFaulted)
        {
            throw new FuzzInvariantException("ServeAsync failed", serve.Exception!);
        }

        if (!drain.Wait(SessionBound))
        {
            throw new FuzzInvariantException("The server did not complete its output after the session ended");
        }

        if (!_errors.IsEmpty)
        {
            throw new FuzzInvariantException("Server logged errors: " + string.Join(" | ", _errors));
        }

        // Every input is fine for the server, so "accepted" would let the mutation pool fill with streams it drops at
        // once. Only sessions that got a few answers count as accepted and seed later mutations.
        if (drain.Result < 3)
        {
            throw new ShallowSessionException();
        }
    }

    /// <inheritdoc/>
    public byte[]? MutateStructure(byte[] input, Random random)
    {
        // Edit one frame of the stream with the decoder target's structure edit.
        var frames = new List<byte[]>();
        var buffer = new ReadOnlySequence<byte>(input);
        try
        {
            while (true)
            {
                ReadOnlySequence<byte> before = buffer;
                if (FrameParser.TryParse(ref buffer, out _) != OperationStatus.Done)
                {
                    break;
                }

                frames.Add(before.Slice(0, before.Length - buffer.Length).ToArray());
            }
        }
        catch (FrameException)
        {
        }

        if (frames.Count == 0)
        {
            return null;
        }

        int pick = random.Next(frames.Count);
        byte[]? edited = _decoder.MutateStructure(frames[pick], random);
        if (edited is null)
        {
            return null;
        }

        frames[pick] = edited;
        return [.. frames.SelectMany(f => f), .. buffer.ToArray()];
    }

    /// <inheritdoc/>
    public void CheckHealth()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        Task serve = _server.ServeAsync(new Duplex(toServer.Reader, toClient.Writer), new ListenerOptions());
        using var timeout = new CancellationTokenSource(SessionBound);
        Task check = Task.Run(
            async () =>
            {
                await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(
                    new Duplex(toClient.Reader, toServer.Writer), LibvirtUri.Parse("test:///default"), cancellationToken: timeout.Token);
                string type = await connection.GetTypeAsync(timeout.Token);
                string host = await connection.GetHostnameAsync(timeout.Token);
                if (type.Length == 0 || host.Length == 0)
                {
                    throw new FuzzInvariantException("A fresh client got empty answers");
                }
            },
            timeout.Token);
        if (!check.Wait(SessionBound * 2))
        {
            throw new FuzzInvariantException("A fresh client was not served in time");
        }

        toServer.Writer.Complete();
        if (!serve.Wait(SessionBound))
        {
            throw new FuzzInvariantException("The fresh client's session did not end");
        }

        if (_server.ClientCount != 0)
        {
            throw new FuzzInvariantException($"{_server.ClientCount} sessions still counted after every client left");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _server.DisposeAsync().AsTask().Wait(SessionBound);
        _decoder.Dispose();
    }

    /// <summary>A client that authenticates with SASL PLAIN (user/pencil), opens test:///default and asks for the host name.</summary>
    private static byte[] SaslSession()
    {
        using var output = new PooledBufferWriter();
        uint serial = 0;
        VirNetMessageHeader Call(Procedure procedure) => new()
        {
            Prog = (uint)RemoteProtocol.RemoteProgram,
            Vers = (uint)RemoteProtocol.RemoteProtocolVersion,
            Proc = (int)procedure,
            Type = VirNetMessageType.Call,
            Serial = serial++,
            Status = VirNetMessageStatus.Ok,
        };

        FrameWriter.Write(output, Call(Procedure.AuthList));
        FrameWriter.Write(output, Call(Procedure.AuthSaslInit));
        FrameWriter.Write(output, Call(Procedure.AuthSaslStart), new AuthSaslStartArgs { Mech = "PLAIN", Nil = 0, Data = "\0user\0pencil"u8.ToArray() });
        FrameWriter.Write(output, Call(Procedure.ConnectOpen), new ConnectOpenArgs { Name = "test:///default" });
        FrameWriter.Write(output, Call(Procedure.ConnectGetHostname));
        return output.ToArray();
    }

    /// <summary>Reads everything the server sends; returns how many frames it was.</summary>
    private static async Task<int> DrainAsync(PipeReader reader)
    {
        var frames = new FrameReader(reader);
        int count = 0;
        try
        {
            while (await frames.ReadAsync().ConfigureAwait(false) is not null)
            {
                count++;
            }
        }
        catch (FrameException e)
        {
            throw new FuzzInvariantException("The server sent an invalid frame", e);
        }

        await reader.CompleteAsync().ConfigureAwait(false);
        return count;
    }

    /// <summary>The session was valid but got fewer than three answers: not worth mutating further.</summary>
    private sealed class ShallowSessionException : Exception
    {
        public ShallowSessionException()
            : base("shallow session")
        {
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
