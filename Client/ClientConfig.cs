using System.Buffers;
using LibvirtRemote.Transport.Config;

namespace LibvirtRemote.Client;

/// <summary>
/// libvirt's client configuration (<c>libvirt.conf</c>): <c>uri_default</c> and <c>uri_aliases</c>, read from
/// <c>/etc/libvirt/libvirt.conf</c> for root and <c>$XDG_CONFIG_HOME/libvirt/libvirt.conf</c>
/// (<c>~/.config/libvirt/libvirt.conf</c>) for other users, as libvirt reads them.
/// </summary>
public sealed class ClientConfig
{
    private static readonly SearchValues<char> AliasCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
    private static readonly ClientConfig Empty = new(null, []);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedFile> Cached = new(StringComparer.Ordinal);

    private ClientConfig(string? uriDefault, IReadOnlyList<string> aliases)
    {
        UriDefault = uriDefault;
        UriAliases = aliases;
    }

    /// <summary>The <c>uri_default</c> setting, or null.</summary>
    public string? UriDefault { get; }

    /// <summary>The <c>uri_aliases</c> entries, each <c>name=uri</c>.</summary>
    public IReadOnlyList<string> UriAliases { get; }

    /// <summary>The configuration file this process would read.</summary>
    public static string DefaultPath()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return "/etc/libvirt/libvirt.conf";
        }

        return Path.Combine(UserConfigDirectory(), "libvirt.conf");
    }

    /// <summary>libvirt's per-user configuration directory: <c>$XDG_CONFIG_HOME/libvirt</c>, or <c>~/.config/libvirt</c>.</summary>
    internal static string UserConfigDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string home = xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(home, "libvirt");
    }

    /// <summary>Reads a configuration file; a missing file is an empty configuration.</summary>
    public static ClientConfig Load(string path)
        => File.Exists(path) ? Parse(File.ReadAllText(path), path) : new ClientConfig(null, []);

    /// <summary>Parses configuration text (libvirt's <c>key = value</c> syntax with strings, lists and <c>#</c> comments).</summary>
    /// <exception cref="ConfFileException">Malformed text or a setting of the wrong type, naming the line.</exception>
    public static ClientConfig Parse(string text, string source = "libvirt.conf")
    {
        ArgumentNullException.ThrowIfNull(text);

        // Comments between list items are accepted here (libvirt refuses them) because hand-edited client files
        // annotate their aliases, and refusing the whole file would lose uri_default too.
        LibvirtConfFile file = LibvirtConfFile.Parse(text, source, allowCommentsInLists: true);
        string? uriDefault = file.TryGetString("uri_default", out string value) ? value : null;
        IReadOnlyList<string> aliases = file.TryGetStringList("uri_aliases", out IReadOnlyList<string> list, acceptSingleString: true) ? list : [];
        return new ClientConfig(uriDefault, aliases);
    }

    /// <summary>
    /// The URI to open, as virConnectOpen decides it: an empty or null <paramref name="uri"/> becomes
    /// <c>LIBVIRT_DEFAULT_URI</c>, else <c>uri_default</c>; the result is then replaced by its alias, if any.
    /// </summary>
    /// <exception cref="LibvirtClientException">No URI was given and none is configured, or an alias entry is malformed.</exception>
    public string Resolve(string? uri, string? environmentDefault)
    {
        string? name = uri is { Length: > 0 } ? uri : environmentDefault is { Length: > 0 } ? environmentDefault : UriDefault;
        if (name is null)
        {
            throw new LibvirtClientException("No connection URI was given, and neither LIBVIRT_DEFAULT_URI nor uri_default in libvirt.conf names one");
        }

        foreach (string entry in UriAliases)
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw new LibvirtClientException($"Malformed 'uri_aliases' config entry '{entry}', expected 'alias=uri://host/path'");
            }

            if (entry.AsSpan(0, eq).ContainsAnyExcept(AliasCharacters))
            {
                throw new LibvirtClientException($"Malformed 'uri_aliases' config entry '{entry}', aliases may only contain 'a-Z, 0-9, _, -'");
            }

            if (entry.AsSpan(0, eq).SequenceEqual(name))
            {
                return entry[(eq + 1)..];
            }
        }

        return name;
    }

    /// <summary>Resolves with this process's environment and configuration file.</summary>
    /// <remarks>
    /// libvirt reads the file on every open; so does this, in effect: the parsed file is kept only while its size and
    /// modification time stay the same, so an edit is seen by the next open without re-parsing it every time.
    /// </remarks>
    public static string ResolveForThisProcess(string? uri)
        => LoadCached(DefaultPath()).Resolve(uri, Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI"));

    /// <summary>Like <see cref="Load"/>, but re-parses only when the file's size or modification time changed.</summary>
    internal static ClientConfig LoadCached(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Empty;
        }

        var stamp = new FileStamp(info.LastWriteTimeUtc, info.Length);
        if (Cached.TryGetValue(path, out CachedFile? cached) && cached.Stamp == stamp)
        {
            return cached.Config;
        }

        ClientConfig config = Load(path);
        Cached[path] = new CachedFile(stamp, config);
        return config;
    }

    private readonly record struct FileStamp(DateTime Written, long Length);

    private sealed record CachedFile(FileStamp Stamp, ClientConfig Config);
}
