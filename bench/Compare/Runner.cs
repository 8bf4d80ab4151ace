using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// The comparison run: builds the C load client, starts libvirtd and our server, runs every scenario with the
/// sides interleaved (A B A B ...), and prints/writes the table.
/// </summary>
internal static class Runner
{
    private static readonly string[] Operations = ["version", "listall", "getinfo"];

    private static readonly Dictionary<string, string> OperationNames = new()
    {
        ["version"] = "GetLibVersion",
        ["listall"] = "ListAllDomains",
        ["getinfo"] = "DomainGetInfo",
    };

    public static async Task<int> RunAsync(RunSettings settings)
    {
        string repo = FindRepository();
        string cload = await BuildCloadAsync(repo).ConfigureAwait(false);
        string rawload = await BuildCAsync(repo, "rawload", []).ConfigureAwait(false);
        string rawserve = await BuildCAsync(repo, "rawserve", []).ConfigureAwait(false);
        string wakeCost = await WakeCostAsync(await BuildCAsync(repo, "wakecost", ["-lpthread"]).ConfigureAwait(false), settings).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        HostSteal stealBefore = HostSteal.Read();
        var rows = new List<Row>();
        await using (Daemon libvirtd = await Daemon.StartLibvirtdAsync().ConfigureAwait(false))
        await using (Daemon ours = await Daemon.StartOursAsync(settings.VolumeBytes).ConfigureAwait(false))
        await using (Daemon idle = await Daemon.StartRawserveAsync(rawserve).ConfigureAwait(false))
        {
            var sides = new Sides(settings, cload, libvirtd, ours, rawload, idle);
            await AddAsync(settings, rows, "P1", () => ClientScenariosAsync(settings, sides)).ConfigureAwait(false);
            await AddAsync(settings, rows, "P2", () => ServerScenariosAsync(settings, sides)).ConfigureAwait(false);
            await AddAsync(settings, rows, "P3", () => PipeliningAsync(settings, sides)).ConfigureAwait(false);
            await AddAsync(settings, rows, "P4", () => StreamScenariosAsync(settings, sides)).ConfigureAwait(false);
            rows.Add(new Row("P5", "codec: encode+decode message mix (BenchmarkDotNet, bench/Codec)", "—", "see bench/README.md", "—", "0 B allocated for fixed-size messages; MB/s, ns/message", "not run here: `dotnet run -c Release --project bench -- --filter '*' --job short`"));
            await AddAsync(settings, rows, "P6", () => ConnectScenariosAsync(settings, sides)).ConfigureAwait(false);
            await AddAsync(settings, rows, "P6", () => TlsConnectScenariosAsync(settings, cload)).ConfigureAwait(false);
            await AddAsync(settings, rows, "P7", () => ScaleScenario.RunAsync(settings, sides)).ConfigureAwait(false);
            await AddAsync(settings, rows, "P8", () => EventsScenarioAsync(settings, sides)).ConfigureAwait(false);
        }

        string report = Report(settings, rows, wakeCost, loadBefore, File.ReadAllText("/proc/loadavg").Trim(), HostSteal.Read().PercentSince(stealBefore), clock.Elapsed);
        Console.WriteLine(report);
        string? output = settings.Output ?? (settings.Smoke ? null : Path.Combine(repo, "bench", "results", $"compare-{DateTime.UtcNow:yyyy-MM-dd}.md"));
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, report).ConfigureAwait(false);
            Console.Error.WriteLine($"written to {output}");
        }

        return rows.Any(r => r.Result.StartsWith("ERROR", StringComparison.Ordinal)) ? 1 : 0;
    }

    private static async Task AddAsync(RunSettings settings, List<Row> rows, string id, Func<Task<IReadOnlyList<Row>>> scenario)
    {
        if (settings.Only is { } only && !only.Contains(id))
        {
            return;
        }

        try
        {
            rows.AddRange(await scenario().ConfigureAwait(false));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException or IOException or FormatException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"{id} failed: {e}");
            rows.Add(new Row(id, $"{id} scenarios", "—", "—", "—", "—", "ERROR: " + e.Message.ReplaceLineEndings(" ").Replace('|', '/')));
        }
    }

    // P1: our client vs the C client, both against libvirtd.
    private static async Task<IReadOnlyList<Row>> ClientScenariosAsync(RunSettings settings, Sides s)
    {
        var rows = new List<Row>();
        foreach (int callers in new[] { 1, 8, 64 })
        {
            foreach (string op in Operations)
            {
                string what = $"{OperationNames[op]}, {Callers(callers)}";
                Func<Task<LoadResult>>[] sides = callers == 1
                    ? [() => s.CAsync(s.Libvirtd, op, callers), () => s.OursAsync(s.Libvirtd, op, callers), () => s.RawAsync(s.Libvirtd, op)]
                    : [() => s.CAsync(s.Libvirtd, op, callers), () => s.OursAsync(s.Libvirtd, op, callers)];
                Summary[] r = await InterleaveAsync(settings, $"P1 {what}", sides).ConfigureAwait(false);
                rows.Add(Row.AtLeast("P1", $"client calls/s: {what} → libvirtd (C client vs ours)", r[0].CallsPerSecond, r[1].CallsPerSecond, 1.0, Row.PerSecond));
                rows.Add(Row.AtMost("P1", $"client CPU per call: {what} → libvirtd (C client vs ours)", r[0].ClientCpuPerCallUs, r[1].ClientCpuPerCallUs, 0.5, Row.Micros));
                if (callers == 1)
                {
                    // What a client that does nothing but send, poll and recv costs here: the kernel's share of a
                    // round trip, which no client library can avoid.
                    rows.Add(Row.Info("P1", $"floor: client CPU per call, {what} → libvirtd (C client vs rawload, no library)", r[0].ClientCpuPerCallUs, r[2].ClientCpuPerCallUs, Row.Micros));
                }
                else
                {
                    // With many callers the rate is libvirtd's: how much of the machine it used under each client.
                    rows.Add(Row.Cpu("P1", $"libvirtd's CPU: {what} (under the C client vs under ours)", r[0].ServerCpuPerCallUs, r[0].CallsPerSecond, r[1].ServerCpuPerCallUs, r[1].CallsPerSecond));

                    // Why libvirtd's CPU per call differs between clients: each wake-up of one of its threads by
                    // another on a different CPU costs the waker what the run's wakecost line says.
                    rows.Add(Row.Info("P1", $"cross-CPU wake-ups per call, whole machine: {what} (under the C client vs under ours)", r[0].WakeUpsPerCall, r[1].WakeUpsPerCall, Row.Number));
                }
            }
        }

        return rows;
    }

    // P2: the C client against libvirtd vs against our server.
    private static async Task<IReadOnlyList<Row>> ServerScenariosAsync(RunSettings settings, Sides s)
    {
        var rows = new List<Row>();
        foreach (int callers in new[] { 1, 64 })
        {
            foreach (string op in Operations)
            {
                string what = $"{OperationNames[op]}, {Callers(callers)}";
                Func<Task<LoadResult>>[] sides = callers == 1
                    ? [() => s.CAsync(s.Libvirtd, op, callers), () => s.CAsync(s.Ours, op, callers), () => s.RawAsync(s.Libvirtd, op), () => s.RawAsync(s.Ours, op), () => s.RawAsync(s.Rawserve, op)]
                    : [() => s.CAsync(s.Libvirtd, op, callers), () => s.CAsync(s.Ours, op, callers)];
                Summary[] r = await InterleaveAsync(settings, $"P2 {what}", sides).ConfigureAwait(false);
                rows.Add(Row.AtLeast("P2", $"server calls/s: C client, {what} (libvirtd vs ours)", r[0].CallsPerSecond, r[1].CallsPerSecond, 2.0, Row.PerSecond));
                rows.Add(Row.AtMost("P2", $"server CPU per call: C client, {what} (libvirtd vs ours)", r[0].ServerCpuPerCallUs, r[1].ServerCpuPerCallUs, 0.25, Row.Micros));
                if (callers == 1)
                {
                    // The same servers driven by rawload: one call at a time with no client library in the round trip,
                    // so the ratio is the servers' own, and the client's CPU per call is the kernel's share of it.
                    rows.Add(Row.Info("P2", $"floor: server calls/s, rawload (no library), {what} (libvirtd vs ours)", r[2].CallsPerSecond, r[3].CallsPerSecond, Row.PerSecond));
                    rows.Add(Row.Info("P2", $"floor: server CPU per call, rawload (no library), {what} (libvirtd vs ours)", r[2].ServerCpuPerCallUs, r[3].ServerCpuPerCallUs, Row.Micros));
                    rows.Add(Row.Info("P2", $"floor: rawload's own CPU per call, {what} (→ libvirtd vs → ours)", r[2].ClientCpuPerCallUs, r[3].ClientCpuPerCallUs, Row.Micros));

                    // rawserve answers without doing anything: no server can beat it, so its ratios to libvirtd are
                    // the best any server could show here.
                    rows.Add(Row.Info("P2", $"floor: server calls/s, rawload, {what} (libvirtd vs rawserve, a server that does nothing)", r[2].CallsPerSecond, r[4].CallsPerSecond, Row.PerSecond));
                    rows.Add(Row.Info("P2", $"floor: server CPU per call, rawload, {what} (libvirtd vs rawserve, a server that does nothing)", r[2].ServerCpuPerCallUs, r[4].ServerCpuPerCallUs, Row.Micros));
                }
                else
                {
                    // With many callers the rate is the C client's: how much of the machine it used against each server.
                    rows.Add(Row.Cpu("P2", $"C client's CPU: {what} (→ libvirtd vs → ours)", r[0].ClientCpuPerCallUs, r[0].CallsPerSecond, r[1].ClientCpuPerCallUs, r[1].CallsPerSecond));
                }
            }
        }

        return rows;
    }

    // P3: our client to our server, 64 calls in flight on one connection; an absolute target.
    private static async Task<IReadOnlyList<Row>> PipeliningAsync(RunSettings settings, Sides s)
    {
        Summary[] r = await InterleaveAsync(settings, "P3", () => s.OursAsync(s.Ours, "version", 64)).ConfigureAwait(false);
        const double target = 250_000;
        double got = r[0].CallsPerSecond;
        return
        [
            new Row("P3", "pipelining: our client → our server, GetLibVersion, 64 in flight", "—", Row.PerSecond(got), "—", "≥ 250,000/s", double.IsFinite(got) && got >= target ? "PASS" : "FALL SHORT"),
            new Row("P3", "pipelining: CPU per call (client / server)", "—", $"{Row.Micros(r[0].ClientCpuPerCallUs)} / {Row.Micros(r[0].ServerCpuPerCallUs)}", "—", "(report only)", "—"),
        ];
    }

    // P4: volume download from our server vs a raw Unix socket copy; screenshot vs libvirtd.
    private static async Task<IReadOnlyList<Row>> StreamScenariosAsync(RunSettings settings, Sides s)
    {
        string size = $"{settings.VolumeBytes / (1024 * 1024)} MiB";
        Summary[] r = await InterleaveAsync(
            settings,
            "P4 download",
            () => RawCopy.RunAsync(settings.VolumeBytes),
            () => s.OursAsync(s.Ours, "download", 1),
            () => s.CAsync(s.Ours, "download", 1)).ConfigureAwait(false);
        Summary[] shot = await InterleaveAsync(settings, "P4 screenshot", () => s.CAsync(s.Libvirtd, "screenshot", 1), () => s.CAsync(s.Ours, "screenshot", 1)).ConfigureAwait(false);
        return
        [
            Row.AtLeast("P4", $"stream: {size} volume download, our server → our client (raw Unix copy vs ours)", r[0].BytesPerSecond, r[1].BytesPerSecond, 0.5, Row.MegabytesPerSecond),
            Row.AtLeast("P4", $"stream: {size} volume download, our server → C client (raw Unix copy vs ours)", r[0].BytesPerSecond, r[2].BytesPerSecond, 0.5, Row.MegabytesPerSecond),
            Row.Info("P4", "stream: screenshot (test-screenshot.png) to the C client (libvirtd vs ours)", shot[0].BytesPerSecond, shot[1].BytesPerSecond, Row.MegabytesPerSecond),
            Row.Info("P4", "stream: screenshots/s to the C client (libvirtd vs ours)", shot[0].CallsPerSecond, shot[1].CallsPerSecond, Row.PerSecond),
        ];
    }

    // P6: open+close over Unix. The target compares our whole stack with libvirt's; the second row isolates the client.
    private static async Task<IReadOnlyList<Row>> ConnectScenariosAsync(RunSettings settings, Sides s)
    {
        Summary[] r = await InterleaveAsync(
            settings,
            "P6",
            () => s.CAsync(s.Libvirtd, "openclose", 1),
            () => s.OursAsync(s.Ours, "openclose", 1),
            () => s.OursAsync(s.Libvirtd, "openclose", 1),
            () => s.CAsync(s.Ours, "openclose", 1)).ConfigureAwait(false);
        double Us(Summary x) => 1e6 / x.CallsPerSecond;
        return
        [
            Row.AtMost("P6", "connect: open+close over Unix, time per open (C client→libvirtd vs our client→our server)", Us(r[0]), Us(r[1]), 0.5, Row.Micros),
            Row.Info("P6", "connect: open+close over Unix, time per open, client only (C client vs ours, → libvirtd)", Us(r[0]), Us(r[2]), Row.Micros),
            Row.Info("P6", "connect: open+close over Unix, time per open, server only (C client → libvirtd vs → ours)", Us(r[0]), Us(r[3]), Row.Micros),
        ];
    }

    // P6 over TLS: both servers get a TLS listener on loopback with a throw-away PKI; each open is a full handshake.
    private static async Task<IReadOnlyList<Row>> TlsConnectScenariosAsync(RunSettings settings, string cload)
    {
        using BenchPki pki = await BenchPki.CreateAsync().ConfigureAwait(false);
        await using Daemon libvirtd = await Daemon.StartLibvirtdTlsAsync(pki).ConfigureAwait(false);
        await using Daemon ours = await Daemon.StartOursTlsAsync(pki).ConfigureAwait(false);
        var s = new Sides(settings, cload, libvirtd, ours);
        Summary[] r = await InterleaveAsync(
            settings,
            "P6",
            () => s.CAsync(s.Libvirtd, "openclose", 1),
            () => s.OursAsync(s.Ours, "openclose", 1),
            () => s.OursAsync(s.Libvirtd, "openclose", 1)).ConfigureAwait(false);
        double Us(Summary x) => 1e6 / x.CallsPerSecond;
        return
        [
            Row.AtMost("P6", "connect: open+close over TLS, time per open (C client→libvirtd vs our client→our server)", Us(r[0]), Us(r[1]), 0.5, Row.Micros),
            Row.Info("P6", "connect: open+close over TLS, time per open, client only (C client vs ours, → libvirtd)", Us(r[0]), Us(r[2]), Row.Micros),
        ];
    }

    // P8: a burst of lifecycle events fanned out by our server to many subscribed connections of our client.
    private static async Task<IReadOnlyList<Row>> EventsScenarioAsync(RunSettings settings, Sides s)
    {
        int connections = settings.Smoke ? 50 : 1000, events = settings.Smoke ? 20 : 200;
        LoadResult r = await LoadRun.RunAsync(
            Environment.ProcessPath!,
            ["events", s.Ours.Uri, connections.ToString(CultureInfo.InvariantCulture), events.ToString(CultureInfo.InvariantCulture)],
            s.Ours.Pid,
            TimeSpan.FromSeconds(300)).ConfigureAwait(false);
        Console.Error.WriteLine(FormattableString.Invariant($"P8 {r.Calls} events in {r.Seconds:F2} s, lost {r.Lost}, client CPU {r.ClientCpu:F2} s, server CPU {r.ServerCpu:F2} s"));
        double rate = r.CallsPerSecond;
        return
        [
            new Row("P8", $"events: {events} lifecycle events fanned out to {connections:N0} subscribed connections (our server → our client)", "—", $"{Row.PerSecond(rate)}, lost {r.Lost}", "—", "≥ 100,000 events/s, none lost", rate >= 100_000 && r.Lost == 0 ? "PASS" : "FALL SHORT"),
            new Row("P8", "events: CPU per delivered event (subscriber process / server)", "—", $"{Row.Micros(r.ClientCpuPerCallUs)} / {Row.Micros(r.ServerCpuPerCallUs)}", "—", "(report only)", "—"),
        ];
    }

    /// <summary>Runs the sides in turn, <see cref="RunSettings.Repetitions"/> rounds, and returns each side's medians.</summary>
    private static async Task<Summary[]> InterleaveAsync(RunSettings settings, string label, params Func<Task<LoadResult>>[] sides)
    {
        var results = sides.Select(_ => new List<LoadResult>()).ToArray();
        for (int rep = 0; rep < settings.Repetitions; rep++)
        {
            for (int i = 0; i < sides.Length; i++)
            {
                LoadResult result = await sides[i]().ConfigureAwait(false);
                results[i].Add(result);
                string allocated = double.IsFinite(result.Allocated) && result.Calls > 0 ? FormattableString.Invariant($", {result.Allocated / result.Calls:F0} B allocated per call") : string.Empty;
                Console.Error.WriteLine(FormattableString.Invariant($"{label} [{(char)('A' + i)}{rep + 1}] {result.Calls} calls in {result.Seconds:F2} s = {result.CallsPerSecond:F0}/s, {result.BytesPerSecond / 1e6:F0} MB/s, client CPU {result.ClientCpu:F2} s (self {result.ClientCpuSelf:F2}), server CPU {result.ServerCpu:F2} s, {result.WakeUpsPerCall:F2} cross-CPU wake-ups per call{allocated}"));
            }
        }

        return [.. results.Select(Summary.Of)];
    }

    // Run once before the scenarios, on a quiet machine, so the figures describe the host and not the run's load.
    private static async Task<string> WakeCostAsync(string program, RunSettings settings)
    {
        string line = (await Tool.OutputAsync(program, settings.Smoke ? "500" : "20000").ConfigureAwait(false)).Trim();
        if (!line.StartsWith("WAKECOST ", StringComparison.Ordinal) || !line.Contains('='))
        {
            return "not measurable (one CPU)";
        }

        Dictionary<string, string> f = line[9..].Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return $"{f["remote"]} µs to wake a thread on another, idle CPU; {f["local"]} µs on the same CPU; {f["none"]} µs with nobody to wake";
    }

    private static string Callers(int n) => n == 1 ? "sequential" : $"{n} callers on one connection";

    private static string FindRepository()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "LibvirtRemote.slnx")))
            {
                return dir;
            }
        }

        string cwd = Directory.GetCurrentDirectory();
        return File.Exists(Path.Combine(cwd, "LibvirtRemote.slnx")) ? cwd : throw new InvalidOperationException("run from the repository (LibvirtRemote.slnx not found)");
    }

    private static async Task<string> BuildCloadAsync(string repo)
    {
        string flags = (await Tool.OutputAsync("pkg-config", "--cflags", "--libs", "libvirt").ConfigureAwait(false)).Trim();
        return await BuildCAsync(repo, "cload", [.. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries), "-lpthread"]).ConfigureAwait(false);
    }

    // bench/cload/NAME.c into the runner's directory, unless the binary there is newer than its sources.
    private static async Task<string> BuildCAsync(string repo, string name, string[] libraries)
    {
        string source = Path.Combine(repo, "bench", "cload", name + ".c");
        string binary = Path.Combine(AppContext.BaseDirectory, name);
        DateTime sources = Directory.EnumerateFiles(Path.Combine(repo, "bench", "cload"), "*.h").Append(source).Max(File.GetLastWriteTimeUtc);
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= sources)
        {
            return binary;
        }

        await Tool.OutputAsync("gcc", ["-O2", "-Wall", "-o", binary, source, .. libraries]).ConfigureAwait(false);
        return binary;
    }

    private static string Report(RunSettings settings, List<Row> rows, string wakeCost, string loadBefore, string loadAfter, double stolenPercent, TimeSpan elapsed)
    {
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"# Comparison run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(settings.Smoke ? " (smoke: numbers are meaningless)" : string.Empty)}");
        b.AppendLine();
        foreach (string line in Machine.Describe())
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        b.AppendLine(CultureInfo.InvariantCulture, $"- Run: {settings.Repetitions} repetition(s) per side, sides interleaved (A B A B …), {settings.Seconds.ToString(CultureInfo.InvariantCulture)} s per call-rate run, volume {settings.VolumeBytes / (1024 * 1024)} MiB; medians; took {elapsed.TotalSeconds:F0} s");
        b.AppendLine(CultureInfo.InvariantCulture, $"- Load average before / after: {loadBefore} / {loadAfter}");
        b.AppendLine(CultureInfo.InvariantCulture, $"- CPU time stolen by the VM host during the run (/proc/stat): {stolenPercent:F1}%");
        b.AppendLine(CultureInfo.InvariantCulture, $"- What a wake-up costs the thread that wakes another, in its own CPU time per one-byte socket write (bench/cload/wakecost.c): {wakeCost}");
        b.AppendLine("- Both servers allow 64 calls in progress per client (libvirtd `max_client_requests = 64`, ours `MaxClientRequests = 64`). Our server runs a small benchmark backend (bench/Compare/BenchHandlers.cs), libvirtd its test driver.");
        b.AppendLine("- CPU = user+sys from /proc/PID/stat of the client and server process over the measured window, divided by calls. Ratio = ours ÷ baseline.");
        b.AppendLine();
        b.AppendLine("| # | Scenario | Baseline | Ours | Ratio | Target | Result |");
        b.AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        foreach (Row r in rows)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"| {r.Id} | {r.Scenario} | {r.Baseline} | {r.Ours} | {r.Ratio} | {r.Target} | {r.Result} |");
        }

        return b.ToString();
    }
}
