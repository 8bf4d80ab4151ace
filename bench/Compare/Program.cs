using LibvirtRemote.Bench.Compare;

// Compare [--smoke] [--out FILE] [--seconds S] [--reps N] [--volume-mib M]: the comparison run (see bench/README.md).
// Compare serve SOCKET VOLUME_BYTES / load URI MODE CALLERS SECONDS [VOLUME_BYTES] / events URI CONNECTIONS EVENTS: its child processes.
return args.Length > 0 && args[0] == "serve" ? await ServeCommand.RunAsync(args[1..])
    : args.Length > 0 && args[0] == "load" ? await OurLoad.RunAsync(args[1..])
    : args.Length > 0 && args[0] == "events" ? await EventsLoad.RunAsync(args[1..])
    : await Runner.RunAsync(RunSettings.Parse(args));
