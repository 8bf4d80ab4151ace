using System.Text;

namespace LibvirtRemote.Client;

/// <summary>
/// A libvirt connection URI, <c>driver[+transport]://[user@][host][:port]/[path][?params]</c>, split the way
/// libvirt's remote driver splits it.
/// </summary>
public sealed class LibvirtUri
{
    private static readonly HashSet<string> RemoteOnlyParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "name", "command", "socket", "netcat", "keyfile", "sshauth", "no_verify", "no_tty", "pkipath",
        "known_hosts", "known_hosts_verify", "tls_priority", "mode", "proxy", "auth", "authfile",
    };

    private LibvirtUri(string original)
    {
        Original = original;
    }

    /// <summary>The URI as given.</summary>
    public string Original { get; }

    /// <summary>Driver part of the scheme, e.g. <c>qemu</c> or <c>test</c>.</summary>
    public string Driver { get; private set; } = string.Empty;

    /// <summary>Transport part of the scheme (<c>unix</c>, <c>tcp</c>, <c>tls</c>, <c>ssh</c>, <c>ext</c>), or null when none was written.</summary>
    public string? Transport { get; private set; }

    /// <summary>User name, or null.</summary>
    public string? User { get; private set; }

    /// <summary>Host name or address, or null for a local connection.</summary>
    public string? Host { get; private set; }

    /// <summary>Port, or null for the transport's default.</summary>
    public int? Port { get; private set; }

    /// <summary>Path including its leading slash (<c>/system</c>, <c>/default</c>), possibly empty.</summary>
    public string Path { get; private set; } = string.Empty;

    /// <summary>Query parameters, percent-decoded, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private set; } = [];

    /// <summary>The transport that will be used: the written one, else tls when a host is given, else unix.</summary>
    public string EffectiveTransport => Transport ?? (Host is null ? "unix" : "tls");

    /// <summary>Value of a query parameter (the last one wins), or null.</summary>
    public string? this[string name] => Parameters.LastOrDefault(p => p.Key == name).Value;

    /// <summary>Parses a URI.</summary>
    /// <exception cref="FormatException">Not a libvirt URI.</exception>
    public static LibvirtUri Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var result = new LibvirtUri(uri);
        int schemeEnd = uri.IndexOf(':', StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException($"'{uri}' has no scheme");
        }

        string scheme = uri[..schemeEnd];
        int plus = scheme.IndexOf('+', StringComparison.Ordinal);
        result.Driver = plus < 0 ? scheme : scheme[..plus];
        result.Transport = plus < 0 ? null : scheme[(plus + 1)..].ToLowerInvariant();
        string rest = uri[(schemeEnd + 1)..];
        string query = string.Empty;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            string authority = slash < 0 ? rest : rest[..slash];
            result.Path = slash < 0 ? string.Empty : Unescape(rest[slash..]);
            int at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                result.User = Unescape(authority[..at]);
                authority = authority[(at + 1)..];
            }

            int colon = authority.StartsWith('[') ? authority.IndexOf("]:", StringComparison.Ordinal) + 1 : authority.LastIndexOf(':');
            if (colon > 0)
            {
                result.Port = int.Parse(authority[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                authority = authority[..colon];
            }

            result.Host = authority.Length == 0 ? null : authority.Trim('[', ']');
        }
        else
        {
            result.Path = Unescape(rest);
        }

        var parameters = new List<KeyValuePair<string, string>>();
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            parameters.Add(eq < 0
                ? new(UnescapeQuery(pair), string.Empty)
                : new(UnescapeQuery(pair[..eq]), UnescapeQuery(pair[(eq + 1)..])));
        }

        result.Parameters = parameters;
        return result;
    }

    /// <summary>
    /// The name sent in CONNECT_OPEN: the <c>name</c> parameter when given, else the URI without transport,
    /// user, host, port and the parameters only the remote driver understands — as libvirt builds it.
    /// </summary>
    public string RemoteName()
    {
        if (this["name"] is string name)
        {
            return name;
        }

        var builder = new StringBuilder(Driver).Append("://").Append(Path);
        string[] kept = Parameters.Where(p => !RemoteOnlyParameters.Contains(p.Key))
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)).ToArray();
        if (kept.Length > 0)
        {
            builder.Append('?').Append(string.Join('&', kept));
        }

        return builder.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Original;

    private static string Unescape(string text) => Uri.UnescapeDataString(text);

    // Query parameters are form-encoded: '+' stands for a space there, as in libvirt's parameter parser.
    private static string UnescapeQuery(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
