using LibvirtRemote.Server;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// <c>Compare serve SOCKET VOLUME_BYTES</c>: our server with <see cref="BenchBackend"/> on a private Unix socket, in
/// its own process so the runner can read its CPU time from /proc. Runs until stdin closes.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        // As Cli serve does: inline socket completions, decided before the first socket (the runner also sets it).
        SocketCompletionMode.PreferInline();
        string socket = args[0];
        long volumeBytes = long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        byte[] screenshot = File.Exists(Screenshots.LibvirtTestImage) ? await File.ReadAllBytesAsync(Screenshots.LibvirtTestImage).ConfigureAwait(false) : new byte[4096];

        // libvirtd is configured with the same per-client limit (max_client_requests), see Daemon. MaxClients leaves room for P7.
        var options = new ServerOptions { MaxClientRequests = Limits.MaxClientRequests, MaxClients = 20_000 };
        await using var server = new LibvirtServer(new BenchBackend(volumeBytes, screenshot), options, (level, message) => Console.Error.WriteLine($"{level}: {message}"));
        server.ListenUnix(socket, new ListenerOptions(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (args.Length >= 5 && args[2] == "--tls")
        {
            // --tls PORT PKIDIR: a TLS listener on loopback with the bench PKI's server files (see BenchPki).
            var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
            TlsServerOptions tls = TlsServerOptions.FromPemFiles(Path.Combine(args[4], "servercert.pem"), Path.Combine(args[4], "serverkey.pem"), Path.Combine(args[4], "cacert.pem"));
            server.ListenTls(endPoint, new ListenerOptions(), tls);
        }

        Console.Out.WriteLine("READY");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line == "MEMORY")
            {
                // Diagnostic for P7 by hand: where the server's memory is (managed heap after a full collection).
                long live = GC.GetTotalMemory(forceFullCollection: true);
                GCMemoryInfo info = GC.GetGCMemoryInfo();
                Console.Out.WriteLine($"MEMORY live={live} heap={info.HeapSizeBytes} committed={info.TotalCommittedBytes} fragmented={info.FragmentedBytes} clients={server.ClientCount} threads={System.Diagnostics.Process.GetCurrentProcess().Threads.Count}");
                Console.Out.Flush();
            }
        }

        return 0;
    }
}

/// <summary>Settings both servers share.</summary>
internal static class Limits
{
    /// <summary>Calls one client may have in progress on the server; 64 so the 64-caller scenarios are not capped at libvirtd's default 5.</summary>
    public const int MaxClientRequests = 64;
}

/// <summary>Where libvirt's test driver reads its screenshot from.</summary>
internal static class Screenshots
{
    public const string LibvirtTestImage = "/usr/share/libvirt/test-screenshot.png";
}
