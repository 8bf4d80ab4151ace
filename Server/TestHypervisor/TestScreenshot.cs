using System.Buffers.Binary;
using System.IO.Compression;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// The image screenshot streams. libvirt's test driver sends the PNG installed with libvirt; where that file exists
/// this sends the same bytes, elsewhere a small generated PNG.
/// </summary>
internal static class TestScreenshot
{
    private const string InstalledImage = "/usr/share/libvirt/test-screenshot.png";

    private static readonly Lazy<byte[]> Cached = new(Load);

    public static byte[] Image => Cached.Value;

    private static byte[] Load()
    {
        try
        {
            if (File.Exists(InstalledImage))
            {
                return File.ReadAllBytes(InstalledImage);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return GeneratePng(16, 16);
    }

    // A grey RGB image: signature, IHDR, one IDAT, IEND.
    private static byte[] GeneratePng(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        WriteChunk(output, "IHDR"u8, header);
        byte[] raw = new byte[height * (1 + (width * 3))];
        for (int row = 0; row < height; row++)
        {
            raw.AsSpan((row * (1 + (width * 3))) + 1, width * 3).Fill(0x80);
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        WriteChunk(output, "IDAT"u8, compressed.ToArray());
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFF, type), data) ^ 0xFFFFFFFF;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return crc;
    }
}
