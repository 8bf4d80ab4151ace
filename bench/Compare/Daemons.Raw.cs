using System.Diagnostics;

namespace LibvirtRemote.Bench.Compare;

/// <summary>rawserve (bench/cload/rawserve.c): a server that answers rawload's calls and does nothing else.</summary>
internal sealed partial class Daemon
{
    public static async Task<Daemon> StartRawserveAsync(string binary)
    {
        string directory = Directory.CreateTempSubdirectory("lvr-compare-rawserve-").FullName;
        string socket = Path.Combine(directory, "sock");
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList = { socket },
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("rawserve did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[rawserve] {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        var result = new Daemon(process, directory, socket, "rawserve");
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (line != "READY")
        {
            await result.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"rawserve did not start: '{line}'");
        }

        await result.WaitReadyAsync().ConfigureAwait(false);
        return result;
    }
}
