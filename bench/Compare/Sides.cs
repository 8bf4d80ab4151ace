using System.Globalization;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// The load clients pointed at either server with the run's settings: libvirt's C client, ours, and (for the floor of
/// sequential calls) rawload, which speaks the protocol by hand with no library, also against rawserve.
/// </summary>
internal sealed class Sides(RunSettings settings, string cload, Daemon libvirtd, Daemon ours, string? rawload = null, Daemon? rawserve = null)
{
    public Daemon Libvirtd => libvirtd;

    public Daemon Ours => ours;

    /// <summary>A server that answers rawload and does nothing else (bench/cload/rawserve.c).</summary>
    public Daemon Rawserve => rawserve ?? throw new InvalidOperationException("rawserve was not started for this run");

    public Task<LoadResult> CAsync(Daemon server, string mode, int callers)
        => LoadRun.RunAsync(cload, Arguments(server, mode, callers), server.Pid, Timeout(mode));

    public Task<LoadResult> OursAsync(Daemon server, string mode, int callers)
        => LoadRun.RunAsync(Environment.ProcessPath!, ["load", .. Arguments(server, mode, callers)], server.Pid, Timeout(mode));

    /// <summary>One call at a time over the server's Unix socket, with no library at all (bench/cload/rawload.c).</summary>
    public Task<LoadResult> RawAsync(Daemon server, string mode)
        => LoadRun.RunAsync(
            rawload ?? throw new InvalidOperationException("rawload was not built for this run"),
            [server.Socket, mode, settings.Seconds.ToString(CultureInfo.InvariantCulture)],
            server.Pid,
            Timeout(mode));

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
