using System.Text;

namespace LibvirtRemote.Client.Auth;

/// <summary>
/// libvirt's client credential file (<c>auth.conf</c>, a key file): <c>[auth-SERVICE-HOST]</c> or
/// <c>[auth-SERVICE-default]</c> groups name a <c>credentials=NAME</c> set, and <c>[credentials-NAME]</c> holds
/// <c>username</c>, <c>password</c>, … keys.
/// </summary>
public sealed class LibvirtAuthConfig
{
    private readonly Dictionary<string, Dictionary<string, string>> _groups;

    private LibvirtAuthConfig(string source, Dictionary<string, Dictionary<string, string>> groups)
    {
        Source = source;
        _groups = groups;
    }

    /// <summary>Where the text came from, for error messages.</summary>
    public string Source { get; }

    /// <summary>
    /// The auth file libvirt reads for a URI: <c>LIBVIRT_AUTH_FILE</c>, else the <c>authfile=</c> parameter, else
    /// <c>auth.conf</c> in the user's libvirt configuration directory, else <c>/etc/libvirt/auth.conf</c>, when it
    /// exists; null when none applies.
    /// </summary>
    public static string? Locate(LibvirtUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if ((Environment.GetEnvironmentVariable("LIBVIRT_AUTH_FILE") ?? uri["authfile"]) is string path)
        {
            return path;
        }

        string user = Path.Combine(ClientConfig.UserConfigDirectory(), "auth.conf");
        if (File.Exists(user))
        {
            return user;
        }

        return File.Exists("/etc/libvirt/auth.conf") ? "/etc/libvirt/auth.conf" : null;
    }

    /// <summary>Reads and parses a file.</summary>
    public static async Task<LibvirtAuthConfig> LoadAsync(string path, CancellationToken cancellationToken = default)
        => Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);

    /// <summary>Parses key-file text; throws <see cref="FormatException"/> on a line that is neither group, key nor comment.</summary>
    public static LibvirtAuthConfig Parse(string text, string source = "auth.conf")
    {
        ArgumentNullException.ThrowIfNull(text);
        var groups = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r').TrimStart();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                int end = line.IndexOf(']', StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new FormatException($"{source}:{number}: unterminated group name");
                }

                string name = line[1..end];
                if (!groups.TryGetValue(name, out current))
                {
                    current = new Dictionary<string, string>(StringComparer.Ordinal);
                    groups.Add(name, current);
                }

                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || current is null)
            {
                throw new FormatException($"{source}:{number}: expected 'key=value' inside a group");
            }

            // Like GLib's key files, a later duplicate key replaces the earlier one.
            current[line[..equals].TrimEnd()] = Unescape(line[(equals + 1)..].TrimStart());
        }

        return new LibvirtAuthConfig(source, groups);
    }

    /// <summary>
    /// Looks up a credential (e.g. <c>username</c>, <c>password</c>) for a service (<c>libvirt</c>) and host
    /// (null means <c>localhost</c>), falling back to the <c>default</c> group; null when not configured.
    /// </summary>
    public string? Lookup(string service, string? host, string credential)
    {
        if (!_groups.TryGetValue($"auth-{service}-{host ?? "localhost"}", out Dictionary<string, string>? auth)
            && !_groups.TryGetValue($"auth-{service}-default", out auth))
        {
            return null;
        }

        if (!auth.TryGetValue("credentials", out string? name))
        {
            throw new FormatException($"{Source}: group 'auth-{service}-{host ?? "localhost"}' (or default) has no 'credentials' key");
        }

        if (!_groups.TryGetValue("credentials-" + name, out Dictionary<string, string>? credentials))
        {
            throw new FormatException($"{Source}: group 'credentials-{name}' is referenced but missing");
        }

        return credentials.GetValueOrDefault(credential);
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c != '\\' || i + 1 == value.Length)
            {
                builder.Append(c);
                continue;
            }

            i++;
            builder.Append(value[i] switch
            {
                's' => ' ',
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                _ => value[i],
            });
        }

        return builder.ToString();
    }
}
