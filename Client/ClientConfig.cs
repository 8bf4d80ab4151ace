using System.Buffers;
using System.Text;

namespace LibvirtRemote.Client;

/// <summary>
/// libvirt's client configuration (<c>libvirt.conf</c>): <c>uri_default</c> and <c>uri_aliases</c>, read from
/// <c>/etc/libvirt/libvirt.conf</c> for root and <c>$XDG_CONFIG_HOME/libvirt/libvirt.conf</c>
/// (<c>~/.config/libvirt/libvirt.conf</c>) for other users, as libvirt reads them.
/// </summary>
public sealed class ClientConfig
{
    private static readonly SearchValues<char> AliasCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

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

        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string home = xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(home, "libvirt", "libvirt.conf");
    }

    /// <summary>Reads a configuration file; a missing file is an empty configuration.</summary>
    public static ClientConfig Load(string path)
        => File.Exists(path) ? Parse(File.ReadAllText(path), path) : new ClientConfig(null, []);

    /// <summary>Parses configuration text (libvirt's <c>key = value</c> syntax with strings, lists and <c>#</c> comments).</summary>
    /// <exception cref="FormatException">Malformed text, naming the line.</exception>
    public static ClientConfig Parse(string text, string source = "libvirt.conf")
    {
        ArgumentNullException.ThrowIfNull(text);
        string? uriDefault = null;
        List<string>? aliases = null;
        var reader = new ConfReader(text, source);
        while (reader.NextKey() is string key)
        {
            object value = reader.ReadValue();

            // libvirt keeps the first of repeated keys.
            if (key == "uri_default" && uriDefault is null)
            {
                uriDefault = value as string ?? throw reader.Error("uri_default must be a string");
            }
            else if (key == "uri_aliases" && aliases is null)
            {
                aliases = value switch
                {
                    List<string> list => list,
                    string single => [single],
                    _ => throw reader.Error("uri_aliases must be a list of strings"),
                };
            }
        }

        return new ClientConfig(uriDefault, aliases ?? []);
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
    public static string ResolveForThisProcess(string? uri)
        => Load(DefaultPath()).Resolve(uri, Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI"));

    private sealed class ConfReader(string text, string source)
    {
        private int _pos;
        private int _line = 1;

        public string? NextKey()
        {
            SkipBlank(newlines: true);
            if (_pos >= text.Length)
            {
                return null;
            }

            int start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '.' or '-'))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw Error($"expected a setting name, found '{text[_pos]}'");
            }

            string key = text[start.._pos];
            SkipBlank(newlines: false);
            if (_pos >= text.Length || text[_pos] != '=')
            {
                throw Error($"expected '=' after '{key}'");
            }

            _pos++;
            return key;
        }

        public object ReadValue()
        {
            SkipBlank(newlines: false);
            if (_pos < text.Length && text[_pos] == '[')
            {
                _pos++;
                var list = new List<string>();
                while (true)
                {
                    SkipBlank(newlines: true);
                    if (_pos < text.Length && text[_pos] == ']')
                    {
                        _pos++;
                        return list;
                    }

                    list.Add(ReadString());
                    SkipBlank(newlines: true);
                    if (_pos < text.Length && text[_pos] == ',')
                    {
                        _pos++;
                    }
                }
            }

            if (_pos < text.Length && text[_pos] is '"' or '\'')
            {
                return ReadString();
            }

            int start = _pos;
            while (_pos < text.Length && (char.IsDigit(text[_pos]) || text[_pos] == '-'))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw Error("expected a string, a number or a list");
            }

            return long.Parse(text.AsSpan(start, _pos - start), System.Globalization.CultureInfo.InvariantCulture);
        }

        public FormatException Error(string message) => new($"{source}:{_line}: {message}");

        private string ReadString()
        {
            if (_pos >= text.Length || text[_pos] is not ('"' or '\''))
            {
                throw Error("expected a quoted string");
            }

            char quote = text[_pos++];
            var value = new StringBuilder();
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] == '\n')
                {
                    throw Error("unterminated string");
                }

                value.Append(text[_pos++]);
            }

            if (_pos >= text.Length)
            {
                throw Error("unterminated string");
            }

            _pos++;
            return value.ToString();
        }

        private void SkipBlank(bool newlines)
        {
            while (_pos < text.Length)
            {
                char c = text[_pos];
                if (c == '#')
                {
                    while (_pos < text.Length && text[_pos] != '\n')
                    {
                        _pos++;
                    }
                }
                else if (c == '\n' && newlines)
                {
                    _line++;
                    _pos++;
                }
                else if (c is ' ' or '\t' or '\r')
                {
                    _pos++;
                }
                else
                {
                    return;
                }
            }
        }
    }
}
