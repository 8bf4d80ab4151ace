using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>DIGEST-MD5's security layer between our client and server, and <see cref="SaslSecurityLayerPipe"/> applying it.</summary>
public sealed class SaslSecurityLayerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string?> Ciphers => new() { "rc4", "rc4-56", "rc4-40", "des", "3des", null };

    [Theory]
    [MemberData(nameof(Ciphers))]
    public void WrapAndUnwrapRoundTripInBothDirectionsInSequence(string? cipher)
    {
        (ISaslSecurityLayer client, ISaslSecurityLayer server) = Negotiate(cipher);
        Assert.Equal(cipher switch { "rc4" => 128, "3des" => 112, "rc4-56" => 56, "des" => 55, "rc4-40" => 40, _ => 1 }, client.Ssf);
        for (int length = 0; length < 40; length++)
        {
            byte[] message = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + length)).ToArray();
            Assert.Equal(message, RoundTrip(client, server, message));
            Assert.Equal(message, RoundTrip(server, client, message));
        }

        byte[] large = new byte[client.MaxWrapInput];
        Random.Shared.NextBytes(large);
        Assert.Equal(large, RoundTrip(client, server, large));
        Assert.Throws<ArgumentException>(() => client.Wrap(new byte[client.MaxWrapInput + 1], new byte[client.MaxWrapInput + 100]));
    }

    [Theory]
    [MemberData(nameof(Ciphers))]
    public void TokensCarryTheirSequenceNumberAndEncryptWhenACipherIsNegotiated(string? cipher)
    {
        (ISaslSecurityLayer client, _) = Negotiate(cipher);
        byte[] message = "the same plaintext"u8.ToArray();
        byte[] first = Wrap(client, message);
        byte[] second = Wrap(client, message);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(first.AsSpan(^6)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(first.AsSpan(^4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(second.AsSpan(^4)));
        bool clear = first.AsSpan().IndexOf(message) >= 0;
        Assert.Equal(cipher is null, clear);
        Assert.NotEqual(first.AsSpan(..^4).ToArray(), second.AsSpan(..^4).ToArray());
    }

    [Theory]
    [MemberData(nameof(Ciphers))]
    public void TamperedReplayedAndReorderedTokensAreRefused(string? cipher)
    {
        byte[] message = "protected message of some length"u8.ToArray();
        for (int position = 0; position < Wrap(Negotiate(cipher).Client, message).Length; position++)
        {
            (ISaslSecurityLayer client, ISaslSecurityLayer server) = Negotiate(cipher);
            byte[] token = Wrap(client, message);
            token[position] ^= 0x20;
            Assert.Throws<SaslException>(() => server.Unwrap(token, new byte[token.Length]));
        }

        (ISaslSecurityLayer c, ISaslSecurityLayer s) = Negotiate(cipher);
        byte[] zero = Wrap(c, message);
        byte[] one = Wrap(c, message);
        Assert.Throws<SaslException>(() => s.Unwrap(one, new byte[one.Length]));
        Assert.Equal(message.Length, s.Unwrap(zero, new byte[zero.Length]));
        Assert.Throws<SaslException>(() => s.Unwrap(zero, new byte[zero.Length]));
    }

    [Theory]
    [MemberData(nameof(Ciphers))]
    public async Task EachEndWrapsAndUnwrapsOnTwoThreadsAtOnce(string? cipher)
    {
        // A connection wraps on its send path while its input pump unwraps: the two directions share one layer
        // object and must not share any scratch state.
        (ISaslSecurityLayer client, ISaslSecurityLayer server) = Negotiate(cipher);
        using var start = new Barrier(2);
        Task up = Task.Factory.StartNew(() => Exchange(client, server, start, seed: 1), TaskCreationOptions.LongRunning);
        Task down = Task.Factory.StartNew(() => Exchange(server, client, start, seed: 2), TaskCreationOptions.LongRunning);
        await Task.WhenAll(up, down).WaitAsync(Timeout);

        static void Exchange(ISaslSecurityLayer from, ISaslSecurityLayer to, Barrier start, int seed)
        {
            var random = new Random(seed);
            byte[] token = new byte[from.GetMaxWrappedLength(64)];
            byte[] plain = new byte[token.Length];
            byte[] message = new byte[64];
            start.SignalAndWait();
            for (int i = 0; i < 200_000; i++)
            {
                random.NextBytes(message);
                int length = from.Wrap(message, token);
                int unwrapped = to.Unwrap(token.AsSpan(0, length), plain);
                Assert.True(message.AsSpan().SequenceEqual(plain.AsSpan(0, unwrapped)), $"message {i} came out changed");
            }
        }
    }

    [Fact]
    public void ATokenFromTheOtherDirectionIsRefused()
    {
        (ISaslSecurityLayer client, _) = Negotiate("rc4");
        byte[] token = Wrap(client, "hello"u8.ToArray());
        (ISaslSecurityLayer otherClient, _) = Negotiate("rc4");
        Assert.Throws<SaslException>(() => otherClient.Unwrap(token, new byte[token.Length]));
    }

    [Theory]
    [InlineData("rc4")]
    [InlineData("3des")]
    [InlineData(null)]
    public async Task PipesCarryLargeWritesAsSeveralTokensAndPassThroughBeforeActivation(string? cipher)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var toServer = new Pipe();
        var toClient = new Pipe();
        var wire = new TappedPipe(toServer.Reader, toClient.Writer);
        await using var client = new SaslSecurityLayerPipe(new DuplexPipe(toClient.Reader, toServer.Writer));
        await using var server = new SaslSecurityLayerPipe(wire);

        // In the clear before activation, as the SASL exchange itself travels.
        await client.Output.WriteAsync("hello"u8.ToArray(), timeout.Token);
        Assert.Equal("hello"u8.ToArray(), await PipeReads.ReadExactlyAsync(server.Input, 5, timeout.Token));
        Assert.Equal("hello"u8.ToArray(), wire.Seen.ToArray());

        (ISaslSecurityLayer clientLayer, ISaslSecurityLayer serverLayer) = Negotiate(cipher);
        client.Activate(clientLayer);
        server.Activate(serverLayer);
        Assert.Throws<InvalidOperationException>(() => client.Activate(clientLayer));
        wire.Seen.Clear();

        byte[] big = new byte[200_000];
        Random.Shared.NextBytes(big);
        Task<byte[]> received = PipeReads.ReadExactlyAsync(server.Input, big.Length, timeout.Token);
        await client.Output.WriteAsync(big, timeout.Token);
        Assert.Equal(big, await received);

        // The wire holds length-prefixed tokens, none longer than the receiver's maxbuf, and not the plaintext.
        byte[] seen = [.. wire.Seen];
        int tokens = 0;
        for (int offset = 0; offset < seen.Length; tokens++)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(seen.AsSpan(offset));
            Assert.InRange(length, 17, 65536);
            offset += 4 + length;
            Assert.True(offset <= seen.Length);
        }

        Assert.Equal(4, tokens);
        Assert.Equal(cipher is null, seen.AsSpan().IndexOf(big.AsSpan(0, 64)) >= 0);

        byte[] reply = new byte[70_000];
        Random.Shared.NextBytes(reply);
        Task<byte[]> back = PipeReads.ReadExactlyAsync(client.Input, reply.Length, timeout.Token);
        await server.Output.WriteAsync(reply, timeout.Token);
        Assert.Equal(reply, await back);
    }

    [Fact]
    public async Task AForgedTokenFailsTheReader()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var wire = new Pipe();
        (ISaslSecurityLayer clientLayer, ISaslSecurityLayer serverLayer) = Negotiate("rc4");
        await using var server = new SaslSecurityLayerPipe(new DuplexPipe(wire.Reader, new Pipe().Writer), serverLayer);
        byte[] token = Wrap(clientLayer, "hello"u8.ToArray());
        token[0] ^= 1;
        byte[] framed = new byte[4 + token.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed, token.Length);
        token.CopyTo(framed, 4);
        await wire.Writer.WriteAsync(framed, timeout.Token);
        await Assert.ThrowsAsync<SaslException>(async () => await server.Input.ReadAsync(timeout.Token));

        // An oversized length prefix is refused before anything is buffered.
        var wire2 = new Pipe();
        (_, ISaslSecurityLayer other) = Negotiate("rc4");
        await using var server2 = new SaslSecurityLayerPipe(new DuplexPipe(wire2.Reader, new Pipe().Writer), other);
        await wire2.Writer.WriteAsync(new byte[] { 0x7F, 0, 0, 0 }, timeout.Token);
        SaslException error = await Assert.ThrowsAsync<SaslException>(async () => await server2.Input.ReadAsync(timeout.Token));
        Assert.Contains("exceeds", error.Message, StringComparison.Ordinal);
    }

    private static (ISaslSecurityLayer Client, ISaslSecurityLayer Server) Negotiate(string? cipher)
    {
        var users = new SaslUserDatabase("realm");
        users.AddUser("u", "p", iterations: 1);
        var client = new DigestMd5Mechanism("u", "p", "libvirt", "h") { MinSsf = cipher is null ? 1 : 2, MaxSsf = cipher is null ? 1 : 1000, PreferredCipher = cipher };
        var server = new DigestMd5ServerMechanism(users) { MinSsf = 0 };
        Assert.Equal(Sasl.Server.SaslStepOutcome.Success, SaslExchange.Run(client, server).Outcome);
        Assert.Equal(cipher, client.Cipher);
        return (client.SecurityLayer!, server.SecurityLayer!);
    }

    private static byte[] Wrap(ISaslSecurityLayer layer, byte[] message)
    {
        byte[] token = new byte[layer.GetMaxWrappedLength(message.Length)];
        return token[..layer.Wrap(message, token)];
    }

    private static byte[] RoundTrip(ISaslSecurityLayer from, ISaslSecurityLayer to, byte[] message)
    {
        byte[] token = Wrap(from, message);
        byte[] plain = new byte[token.Length];
        return plain[..to.Unwrap(token, plain)];
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>The server's side of the wire, remembering every byte that arrived.</summary>
    private sealed class TappedPipe : IDuplexPipe
    {
        private readonly Pipe _copy = new();

        public TappedPipe(PipeReader wire, PipeWriter output)
        {
            Output = output;
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    ReadResult result = await wire.ReadAsync();
                    foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                    {
                        lock (Seen)
                        {
                            Seen.AddRange(segment.Span.ToArray());
                        }

                        await _copy.Writer.WriteAsync(segment);
                    }

                    wire.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        await _copy.Writer.CompleteAsync();
                        return;
                    }
                }
            });
        }

        public List<byte> Seen { get; } = [];

        public PipeReader Input => _copy.Reader;

        public PipeWriter Output { get; }
    }
}
