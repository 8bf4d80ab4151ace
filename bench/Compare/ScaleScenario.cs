using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// P7: many idle clients on our server. Each is a bare Unix socket that has opened the hypervisor connection
/// (one CONNECT_OPEN call written by hand) and then says nothing; it never asks for keepalive, so the server has no
/// reason to drop it. The server's resident memory before and after gives the cost per connection; meanwhile our
/// client makes sequential calls and reports its 99th percentile latency. The server is a fresh one: the shared server
/// has by now freed memory from the earlier scenarios (a gigabyte of stream data) that it keeps mapped, and the idle
/// clients would fill that without growing the resident size, making them look almost free.
/// </summary>
internal static class ScaleScenario
{
    private const uint RemoteProgram = 0x20008086;

    public static async Task<IReadOnlyList<Row>> RunAsync(RunSettings settings, Sides s)
    {
        int count = settings.Smoke ? 200 : 10_000;
        var sockets = new List<Socket>(count);
        await using Daemon server = await Daemon.StartOursAsync(0).ConfigureAwait(false);
        try
        {
            LoadResult quiet = await s.OursAsync(server, "version", 1).ConfigureAwait(false);
            long before = ResidentBytes(server.Pid);
            byte[] call = ConnectOpenCall();
            byte[] reply = new byte[256];
            for (int i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                sockets.Add(socket);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(server.Socket)).ConfigureAwait(false);
                await socket.SendAsync(call, SocketFlags.None).ConfigureAwait(false);
                int got = await socket.ReceiveAsync(reply, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);

                // Reply header: status (last header word) 0 = OK.
                if (got < 28 || BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(24)) != 0)
                {
                    throw new InvalidOperationException($"P7: CONNECT_OPEN on idle client {i} failed ({got} bytes)");
                }
            }

            // Let the server settle (pending allocations, thread-pool growth) before reading its memory.
            await Task.Delay(TimeSpan.FromSeconds(settings.Smoke ? 0.2 : 2)).ConfigureAwait(false);
            long after = ResidentBytes(server.Pid);
            LoadResult busy = await s.OursAsync(server, "version", 1).ConfigureAwait(false);
            double perConnection = (after - before) / (double)count;
            string n = count.ToString("N0", CultureInfo.InvariantCulture);
            return
            [
                new Row("P7", $"scale: server memory per idle connection, {n} connections (RSS {before / 1048576.0:F0} → {after / 1048576.0:F0} MiB)", "—", $"{perConnection / 1024:F2} KiB", "—", "≤ 10 KiB", perConnection <= 10 * 1024 ? "PASS" : "FALL SHORT"),
                new Row("P7", $"scale: our client's p99 latency, sequential GetLibVersion, with {n} idle connections (baseline: none idle)", Row.Micros(quiet.P99Us), Row.Micros(busy.P99Us), Row.FormatRatio(busy.P99Us / quiet.P99Us), "p99 < 1 ms", busy.P99Us < 1000 ? "PASS" : "FALL SHORT"),
            ];
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static byte[] ConnectOpenCall()
    {
        // length, program, version 1, procedure 1 (CONNECT_OPEN), type CALL, serial 1, status OK; args: name NULL, flags 0.
        uint[] words = [36, RemoteProgram, 1, 1, 0, 1, 0, 0, 0];
        byte[] frame = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(i * 4), words[i]);
        }

        return frame;
    }

    private static long ResidentBytes(int pid)
    {
        string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        string kb = line?.Split(':', 2)[1].Trim().Split(' ')[0] ?? throw new InvalidOperationException("no VmRSS");
        return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
    }
}
