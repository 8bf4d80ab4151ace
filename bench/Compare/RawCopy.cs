using System.Diagnostics;
using System.Net.Sockets;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// The ceiling for stream downloads: the same number of bytes pushed through a Unix socket in this process, written
/// in pieces the size of a full libvirt stream frame (4-byte length + 24-byte header + 262,120 data bytes) and read
/// into a 256 KiB buffer, with no protocol at all.
/// </summary>
internal static class RawCopy
{
    private const int FrameSize = 4 + 24 + 262_120;

    public static async Task<LoadResult> RunAsync(long bytes)
    {
        string dir = Directory.CreateTempSubdirectory("lvr-compare-raw-").FullName;
        try
        {
            string path = Path.Combine(dir, "raw-sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(path)).ConfigureAwait(false);
            using Socket server = await listener.AcceptAsync().ConfigureAwait(false);
            long frames = (bytes + 262_119) / 262_120;
            long total = frames * FrameSize;
            var clock = Stopwatch.StartNew();
            Task writer = Task.Run(() =>
            {
                byte[] frame = new byte[FrameSize];
                Array.Fill(frame, (byte)0x5a);
                for (long i = 0; i < frames; i++)
                {
                    for (int sent = 0; sent < frame.Length;)
                    {
                        sent += server.Send(frame, sent, frame.Length - sent, SocketFlags.None);
                    }
                }
            });
            long received = await Task.Run(() =>
            {
                byte[] buffer = new byte[262_144];
                long got = 0;
                while (got < total)
                {
                    int n = client.Receive(buffer);
                    if (n == 0)
                    {
                        break;
                    }

                    got += n;
                }

                return got;
            }).ConfigureAwait(false);
            await writer.ConfigureAwait(false);
            double seconds = clock.Elapsed.TotalSeconds;

            // Count data bytes only, as the download scenarios do.
            return new LoadResult(1, seconds, received * 262_120 / FrameSize, double.NaN, double.NaN, double.NaN);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
