using System.Buffers.Binary;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>One golden frame: its bytes, header, and which body type libvirt puts after the header.</summary>
internal sealed class GoldenFrame
{
    public static readonly ProcedureTable[] Tables =
    [
        RemoteProtocol.Procedures,
        QemuProtocol.Procedures,
        LxcProtocol.Procedures,
        KeepaliveProtocol.Procedures,
        AdminProtocol.Procedures,
    ];

    private GoldenFrame(string relativePath, byte[] bytes)
    {
        RelativePath = relativePath;
        Bytes = bytes;
        var reader = new XdrReader(bytes.AsSpan(4, 24));
        Header = VirNetMessageHeader.Decode(ref reader);
        reader.EnsureEnd();
    }

    /// <summary>Path below Golden/, with '/' separators.</summary>
    public string RelativePath { get; }

    public byte[] Bytes { get; }

    public VirNetMessageHeader Header { get; }

    public ReadOnlyMemory<byte> Body => Bytes.AsMemory(28);

    public bool FromServer => Path.GetFileName(RelativePath).Contains("-s2c-", StringComparison.Ordinal);

    public uint LengthWord => BinaryPrimitives.ReadUInt32BigEndian(Bytes);

    /// <summary>Every frame below Golden/ except the hand-made malformed ones in raw-probes/.</summary>
    public static IEnumerable<string> AllCanonical() =>
        Directory.EnumerateFiles(TestPaths.Golden, "*.hex", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TestPaths.Golden, p).Replace('\\', '/'))
            .Where(p => !p.StartsWith("raw-probes/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public static GoldenFrame Load(string relativePath)
        => new(relativePath, GoldenFile.Load(Path.Combine(TestPaths.Golden, relativePath)));

    public static ProcedureTable TableFor(uint program)
        => Tables.FirstOrDefault(t => t.Program == program) ?? throw new InvalidOperationException($"No program 0x{program:x8}");

    /// <summary>What the body holds: a typed value, raw stream bytes, or nothing.</summary>
    public (XdrTypeInfo? Type, bool Raw) BodyType()
    {
        VirNetMessageHeader h = Header;
        bool error = h.Status == VirNetMessageStatus.Error;
        if (error && (h.Type is VirNetMessageType.Reply or VirNetMessageType.ReplyWithFds
            || (h.Type == VirNetMessageType.Stream && FromServer)))
        {
            return (VirNetMessageError.XdrInfo, false);
        }

        ProcedureTable table = TableFor(h.Prog);
        if (!table.TryGet(h.Proc, out ProcedureInfo? procedure))
        {
            throw new InvalidOperationException($"{table.Name} has no procedure {h.Proc}");
        }

        return h.Type switch
        {
            VirNetMessageType.Call or VirNetMessageType.CallWithFds => (procedure.Args, false),
            VirNetMessageType.Reply or VirNetMessageType.ReplyWithFds => (procedure.Ret, false),
            VirNetMessageType.Message => (procedure.Event ?? procedure.Args, false),
            VirNetMessageType.Stream => (null, h.Status == VirNetMessageStatus.Continue),
            VirNetMessageType.StreamHole => (VirNetStreamHole.XdrInfo, false),
            _ => throw new InvalidOperationException($"Unknown message type {h.Type}"),
        };
    }

    /// <summary>Decodes the body (null when there is none or it is raw) and checks nothing is left over.</summary>
    public object? DecodeBody()
    {
        (XdrTypeInfo? type, bool raw) = BodyType();
        var reader = new XdrReader(Body.Span);
        if (raw)
        {
            return Body.ToArray();
        }

        object? value = type?.Decode(ref reader);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>Encodes header and body again, with the length word in front.</summary>
    public byte[] Reencode(object? body)
    {
        (XdrTypeInfo? type, bool raw) = BodyType();
        using var output = new PooledBufferWriter();
        var writer = new XdrWriter(output);
        Header.Encode(ref writer);
        if (raw)
        {
            writer.WriteRaw((byte[])body!);
        }
        else if (type is not null)
        {
            type.Encode(ref writer, body!);
        }

        writer.Flush();
        byte[] frame = new byte[4 + output.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)frame.Length);
        output.ToArray().CopyTo(frame, 4);
        return frame;
    }
}
