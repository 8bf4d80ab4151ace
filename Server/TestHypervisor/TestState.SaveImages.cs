namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Images written by save and read by restore. libvirt's test driver writes them as files; the embedded hypervisor
/// keeps them in memory under the path the client named, so a client cannot make the server write files.
/// </summary>
public sealed partial class TestState
{
    private readonly Dictionary<string, string> _saveImages = new(StringComparer.Ordinal);

    /// <summary>The domain XML saved under a path, or null.</summary>
    internal string? FindSaveImageLocked(string path) => _saveImages.GetValueOrDefault(path);

    internal void StoreSaveImageLocked(string path, string xml) => _saveImages[path] = xml;
}
