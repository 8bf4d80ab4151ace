using LibvirtRemote.Protocol;

using LibvirtRemote.Cli.Commands;

// Command-line entry point. `procedures` prints the generated procedure tables; `serve` runs the server with its
// embedded test hypervisor.
return args.FirstOrDefault() switch
{
    "procedures" => ListProcedures(args.Skip(1).FirstOrDefault() ?? "remote"),
    "serve" => await ServeCommand.RunAsync(args[1..]).ConfigureAwait(false),
    "sasl-user" => await SaslUserCommand.RunAsync(args[1..]).ConfigureAwait(false),
    _ => Usage(),
};

static int ListProcedures(string program)
{
    ProcedureTable? table = program switch
    {
        "remote" => RemoteProtocol.Procedures,
        "qemu" => QemuProtocol.Procedures,
        "lxc" => LxcProtocol.Procedures,
        "admin" => AdminProtocol.Procedures,
        "keepalive" => KeepaliveProtocol.Procedures,
        _ => null,
    };
    if (table is null)
    {
        return Usage();
    }

    Console.WriteLine($"# program {table.Name} 0x{table.Program:x8} version {table.Version}: {table.All.Count} procedures");
    foreach (ProcedureInfo p in table.All)
    {
        var notes = new List<string>();
        if (p.IsEvent)
        {
            notes.Add("event");
        }

        if (p.HighPriority)
        {
            notes.Add("high-priority");
        }

        if (p.Stream != StreamDirection.None)
        {
            notes.Add($"stream={p.Stream.ToString().ToLowerInvariant()}" + (p.SparseFlag != 0 ? $" sparse-flag={p.SparseFlag}" : string.Empty));
        }

        if (p.Fds != FdPassing.None)
        {
            notes.Add($"fds={p.Fds}");
        }

        Console.WriteLine($"{p.Number,4} {p.Name,-60} {p.Args?.XdrName ?? "-",-55} {p.Ret?.XdrName ?? p.Event?.XdrName ?? "-"} {string.Join(' ', notes)}");
    }

    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Cli procedures [remote|qemu|lxc|admin|keepalive]");
    Console.Error.WriteLine("       Cli sasl-user add|remove|list [USER] --db FILE");
    Console.Error.WriteLine("       Cli serve [--config LIBVIRTD.CONF [--sasl-db USERS]] [--listen-tcp ADDR:PORT | --no-tcp] [--unix-dir DIR] [--verbose]");
    return 64;
}
