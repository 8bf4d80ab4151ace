using System.Buffers;
using System.Buffers.Binary;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Fuzz.Targets;

/// <summary>
/// Every generated decoder, chosen the way a peer would choose it: from the frame header, through the procedure
/// tables (args for calls, returns for replies, event bodies for messages, the error struct for error replies).
/// Only <see cref="XdrException"/> (and <see cref="FrameException"/> for the frame itself) may come out, and a body
/// that decodes must encode back to the same bytes.
/// </summary>
public sealed class DecoderTarget : IFuzzTarget, IFramedTarget, IDisposable
{
    /// <summary>The programs a libvirt peer may receive.</summary>
    public static readonly ProcedureTable[] Tables =
    [
        RemoteProtocol.Procedures,
        QemuProtocol.Procedures,
        LxcProtocol.Procedures,
        KeepaliveProtocol.Procedures,
        AdminProtocol.Procedures,
    ];

    private readonly PooledBufferWriter _output = new();

    /// <inheritdoc/>
    public string Name => "decode";

    /// <inheritdoc/>
    public bool MeasuresAllocation => true;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus)
    {
        // Golden traffic, plus one frame per procedure and direction with a zero-filled body of the type's
        // smallest size (empty strings and lists, zero discriminants), so every decoder has a starting point.
        var seeds = corpus.Frames.Select(f => f.Bytes).ToList();
        foreach (ProcedureTable table in Tables)
        {
            foreach (ProcedureInfo p in table.All)
            {
                AddSeed(seeds, table, p, VirNetMessageType.Call, p.Args);
                AddSeed(seeds, table, p, VirNetMessageType.Reply, p.Ret);
                AddSeed(seeds, table, p, VirNetMessageType.Message, p.Event);
            }
        }

        return seeds;
    }

    /// <inheritdoc/>
    public void Dispose() => _output.Dispose();

    /// <inheritdoc/>
    public bool IsExpected(Exception exception) => exception is XdrException or FrameException;

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        if (FrameParser.TryParse(ref buffer, out Frame frame) != OperationStatus.Done)
        {
            return;
        }

        XdrTypeInfo? type = BodyType(frame.Header);
        if (type is null)
        {
            return;
        }

        var reader = new XdrReader(frame.Body) { StrictPadding = true };
        object value = type.Decode(ref reader);
        reader.EnsureEnd();

        // Decoding accepted the bytes, so they are the canonical encoding of the value: writing it must give them back.
        _output.Reset();
        var writer = new XdrWriter(_output);
        type.Encode(ref writer, value);
        writer.Flush();
        int frameLength = input.Length - (int)buffer.Length - frame.FdCount;
        if (!SameBytes(_output.AsSequence(), input.AsSpan(frameLength - (int)frame.Body.Length, (int)frame.Body.Length)))
        {
            // Two normalisations are by design: invalid UTF-8 in strings becomes U+FFFD, and only the low byte of each
            // char word is kept. The result must then be a fixed point; anything else loses or invents data.
            byte[] first = _output.ToArray();
            var again = new XdrReader(first);
            object second = type.Decode(ref again);
            _output.Reset();
            var rewriter = new XdrWriter(_output);
            type.Encode(ref rewriter, second);
            rewriter.Flush();
            if (!SameBytes(_output.AsSequence(), first))
            {
                throw new FuzzInvariantException($"{type.XdrName} decoded and re-encoded to different bytes, and is not stable after that");
            }
        }
    }

    /// <inheritdoc/>
    public byte[]? MutateStructure(byte[] input, Random random)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        try
        {
            if (random.Next(4) == 0)
            {
                return Retarget(input, random);
            }

            if (FrameParser.TryParse(ref buffer, out Frame frame) != OperationStatus.Done || BodyType(frame.Header) is not { } type)
            {
                return null;
            }

            var reader = new XdrReader(frame.Body);
            object value = type.Decode(ref reader);
            value = StructureEditor.Edit(value, random);
            _output.Reset();
            var writer = new XdrWriter(_output);
            frame.Header.Encode(ref writer);
            if (frame.Header.Type is VirNetMessageType.CallWithFds or VirNetMessageType.ReplyWithFds)
            {
                writer.WriteUInt32((uint)frame.FdCount);
            }

            type.Encode(ref writer, value);
            writer.Flush();
            byte[] result = new byte[4 + _output.Length];
            _output.AsSequence().CopyTo(result.AsSpan(4));
            BinaryPrimitives.WriteUInt32BigEndian(result, (uint)result.Length);
            return result;
        }
#pragma warning disable CA1031 // A value the editor made unencodable (over a limit, bad discriminant) just means: no edit this time.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>Keeps the body and points the header at another procedure, so each body meets many decoders.</summary>
    private static byte[] Retarget(byte[] input, Random random)
    {
        if (input.Length < 28)
        {
            return input;
        }

        byte[] copy = (byte[])input.Clone();
        ProcedureTable table = Tables[random.Next(2) == 0 ? 0 : random.Next(Tables.Length)];
        ProcedureInfo p = table.All[random.Next(table.All.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(4), table.Program);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8), table.Version);
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(12), p.Number);
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), random.Next(3) switch { 0 => 0, 1 => 1, _ => 6 });
        return copy;
    }

    /// <summary>Which body type a peer expects after this header, or null for none / raw bytes.</summary>
    public static XdrTypeInfo? BodyType(in VirNetMessageHeader header)
    {
        bool error = header.Status == VirNetMessageStatus.Error;
        if (error && header.Type is VirNetMessageType.Reply or VirNetMessageType.ReplyWithFds or VirNetMessageType.Stream)
        {
            return VirNetMessageError.XdrInfo;
        }

        if (header.Type == VirNetMessageType.StreamHole)
        {
            return VirNetStreamHole.XdrInfo;
        }

        uint program = header.Prog;
        ProcedureTable? table = Array.Find(Tables, t => t.Program == program);
        if (table is null || !table.TryGet(header.Proc, out ProcedureInfo? procedure))
        {
            return null;
        }

        return header.Type switch
        {
            VirNetMessageType.Call or VirNetMessageType.CallWithFds => procedure.Args,
            VirNetMessageType.Reply or VirNetMessageType.ReplyWithFds => procedure.Ret,
            VirNetMessageType.Message => procedure.Event ?? procedure.Args,
            _ => null,
        };
    }

    private static bool SameBytes(ReadOnlySequence<byte> written, ReadOnlySpan<byte> expected)
    {
        if (written.Length != expected.Length)
        {
            return false;
        }

        foreach (ReadOnlyMemory<byte> segment in written)
        {
            if (!segment.Span.SequenceEqual(expected[..segment.Length]))
            {
                return false;
            }

            expected = expected[segment.Length..];
        }

        return true;
    }

    private static void AddSeed(List<byte[]> seeds, ProcedureTable table, ProcedureInfo p, VirNetMessageType type, XdrTypeInfo? body)
    {
        if (body is null)
        {
            return;
        }

        byte[] frame = new byte[28 + body.MinEncodedSize];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)frame.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), table.Program);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), table.Version);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(12), p.Number);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(16), (int)type);
        seeds.Add(frame);
    }
}
