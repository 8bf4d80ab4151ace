using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>The two load clients pointed at either server with the run's settings.</summary>
internal sealed class Sides(RunSettings settings, string cload, Daemon libvirtd, Daemon ours)
{
    public Daemon Libvirtd => libvirtd;

    public Daemon Ours => ours;

    public Task<LoadResult> CAsync(Daemon server, string mode, int callers)
        => LoadRun.RunAsync(cload, Arguments(server, mode, callers), server.Pid, Timeout(mode));

    public Task<LoadResult> OursAsync(Daemon server, string mode, int callers)
        => LoadRun.RunAsync(Environment.ProcessPath!, ["load", .. Arguments(server, mode, callers)], server.Pid, Timeout(mode));

    private string[] Arguments(Daemon server, string mode, int callers) =>
    [
        server.Uri,
        mode,
        callers.ToString(CultureInfo.InvariantCulture),
        settings.Seconds.ToString(CultureInfo.InvariantCulture),
        settings.VolumeBytes.ToString(CultureInfo.InvariantCulture),
    ];

    // A download runs at least once whatever the duration; allow for a slow 1 GiB.
    private TimeSpan Timeout(string mode) => TimeSpan.FromSeconds(settings.Seconds + (mode == "download" ? 300 : 120));
}
