using LibvirtRemote.XdrGen;

// Regenerates Protocol/Generated from the .x files; files are rewritten only when their content changes.
string root = Sources.FindRoot(args.Length > 0 ? args[0] : Directory.GetCurrentDirectory());
string output = Path.Combine(root, Sources.OutputFolder);
Directory.CreateDirectory(output);
var written = new HashSet<string>(StringComparer.Ordinal);
foreach ((string name, string content) in Sources.Generate(root))
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
