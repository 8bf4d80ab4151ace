using LibvirtRemote.XdrGen;

// Regenerates Protocol/Generated, Client/Generated and Server/Generated from the .x files; files are rewritten only when their
// content changes, and *.g.cs files the generator no longer makes are deleted from the folders it owns.
string root = Sources.FindRoot(args.Length > 0 ? args[0] : Directory.GetCurrentDirectory());
IReadOnlyList<(string Folder, string Name, string Content)> generated = Sources.Generate(root);
foreach (string folder in Sources.OutputFolders)
{
    string output = Path.Combine(root, folder);
    Directory.CreateDirectory(output);
    var written = new HashSet<string>(StringComparer.Ordinal);
    foreach ((_, string name, string content) in generated.Where(g => g.Folder == folder))
    {
        string path = Path.Combine(output, name);
        written.Add(name);
        if (File.Exists(path) && File.ReadAllText(path) == content)
        {
            continue;
        }

        File.WriteAllText(path, content);
        Console.WriteLine($"wrote {Path.GetRelativePath(root, path)}");
    }

    foreach (string stale in Directory.GetFiles(output, "*.g.cs").Where(p => !written.Contains(Path.GetFileName(p))))
    {
        File.Delete(stale);
        Console.WriteLine($"deleted {Path.GetRelativePath(root, stale)}");
    }
}
