using System.Diagnostics;

namespace LibvirtRemote.Bench.Compare;

/// <summary>rawserve (bench/cload/rawserve.c): a server that answers rawload's calls and does nothing else.</summary>
internal sealed partial class Daemon
{
    public static Task<Daemon> StartRawserveAsync(string binary)
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
        return StartReportingReadyAsync(start, directory, socket, "rawserve", "rawserve");
    }
}
