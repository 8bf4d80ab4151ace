using System.Buffers.Binary;
using System.Text;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Interop.Tests.Malformed;

/// <summary>Hand-built byte sequences: frames with any header, length word and body, valid or not.</summary>
internal static class Wire
{
    public const uint Remote = 0x20008086;
    public const uint Qemu = 0x20008087;
    public const uint Keepalive = 0x6b656570;

    /// <summary>The serial every malformed call uses (the setup calls use small serials).</summary>
    public const uint Serial = 100;

    /// <summary>test:///default's only domain, "test" (id 1), as libvirt's test driver defines it.</summary>
    public static readonly byte[] TestUuid = Convert.FromHexString("6695eb01f6a4830479aa97f2502e193f");

    public static byte[] Frame(uint prog, uint vers, int proc, int type, uint serial, int status, byte[] body, uint? length = null)
    {
        byte[] frame = new byte[28 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, length ?? (uint)frame.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), prog);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), vers);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(12), proc);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(16), type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(20), serial);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(24), status);
        body.CopyTo(frame, 28);
        return frame;
    }

    /// <summary>A remote CALL (type 0, status OK) with serial <see cref="Serial"/>.</summary>
    public static byte[] Call(Procedure procedure, params byte[][] body) => Frame(Remote, 1, (int)procedure, 0, Serial, 0, Concat(body));

    public static byte[] Words(params uint[] words)
    {
        byte[] bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    /// <summary>An XDR string from raw bytes (so invalid UTF-8 can be sent), padded with zeros.</summary>
    public static byte[] Str(byte[] raw) => [.. Words((uint)raw.Length), .. raw, .. new byte[(4 - (raw.Length % 4)) % 4]];

    public static byte[] Str(string text) => Str(Encoding.UTF8.GetBytes(text));

    /// <summary>remote_nonnull_domain for test:///default's "test".</summary>
    public static byte[] TestDomain() => [.. Str("test"), .. TestUuid, .. Words(1)];

    public static byte[] Encode<T>(T value)
        where T : IXdrType<T>
    {
        using var output = new PooledBufferWriter();
        var writer = new XdrWriter(output);
        value.Encode(ref writer);
        writer.Flush();
        return output.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
