namespace LibvirtRemote.XdrGen;

/// <summary>Where the definition files live and the order they are read in.</summary>
public static class Sources
{
    /// <summary>
    /// The .x files at the repository root, in dependency order: the C-header constants first,
    /// then the envelope, then the programs (qemu, lxc use remote's types).
    /// </summary>
    public static readonly string[] Files =
    [
        "libvirt_constants.x",
        "virnetprotocol.x",
        "virkeepaliveprotocol.x",
        "remote_protocol.x",
        "qemu_protocol.x",
        "lxc_protocol.x",
        "admin_protocol.x",
    ];

    /// <summary>The programs that get a typed client class and a server handler surface (admin speaks on its own socket).</summary>
    public static readonly string[] ClientFiles = ["remote_protocol.x", "qemu_protocol.x", "lxc_protocol.x", "admin_protocol.x"];

    /// <summary>Folder of the protocol types, relative to the repository root.</summary>
    public const string ProtocolOutputFolder = "Protocol/Generated";

    /// <summary>Folder of the typed client calls, relative to the repository root.</summary>
    public const string ClientOutputFolder = "Client/Generated";

    /// <summary>Folder of the server's handler surface, relative to the repository root.</summary>
    public const string ServerOutputFolder = "Server/Generated";

    /// <summary>Every folder the generator owns: it deletes *.g.cs files there that it no longer makes.</summary>
    public static readonly string[] OutputFolders = [ProtocolOutputFolder, ClientOutputFolder, ServerOutputFolder];

    /// <summary>Finds the repository root by walking up from <paramref name="start"/> to the folder holding remote_protocol.x.</summary>
    public static string FindRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "remote_protocol.x")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No remote_protocol.x above {start}");
    }

    /// <summary>Reads the sources and generates every output file in memory: (folder relative to the root, file name, content).</summary>
    public static IReadOnlyList<(string Folder, string Name, string Content)> Generate(string root)
    {
        var texts = Files.ToDictionary(f => f, f => File.ReadAllText(Path.Combine(root, f)));
        var schema = new Schema(Files.Select(f => (f, texts[f])));
        var client = new ClientEmitter(schema);
        var server = new ServerEmitter(schema);
        return new Emitter(schema).EmitAll(texts)
            .Select(g => (ProtocolOutputFolder, g.Name, g.Content))
            .Concat(ClientFiles.Select(f => (ClientOutputFolder, client.ClassName(f) + ".g.cs", client.Emit(f, texts[f]))))
            .Concat(ClientFiles.Select(f => (ServerOutputFolder, server.ClassName(f) + ".g.cs", server.Emit(f, texts[f]))))
            .ToList();
    }
}
