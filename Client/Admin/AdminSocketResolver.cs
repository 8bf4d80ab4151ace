using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client.Admin;

/// <summary>
/// Turns an admin URI (<c>libvirtd:///system</c>, <c>virtqemud:///session</c>, <c>…?socket=PATH</c>) into the Unix
/// socket of the daemon's admin server, as virAdmConnectOpen does: the default URI comes from
/// <c>LIBVIRT_ADMIN_DEFAULT_URI</c>, else <c>uri_default</c> in <c>libvirt-admin.conf</c>, else
/// <c>libvirtd:///system</c> for root and <c>libvirtd:///session</c> for others; aliases come from the same file.
/// </summary>
/// <remarks>
/// The admin interface is local only: there are no transports, so a scheme such as <c>libvirtd+tcp</c> is refused
/// (unless <c>socket=</c> names the socket, which libvirt then uses whatever the scheme says).
/// </remarks>
public static class AdminSocketResolver
{
    /// <summary>The socket directory of system daemons (libvirt's RUNSTATEDIR/libvirt on Debian).</summary>
    public const string SystemSocketDirectory = "/run/libvirt";

    /// <summary>The admin configuration file this process would read.</summary>
    public static string DefaultConfigPath()
        => Environment.IsPrivilegedProcess
            ? "/etc/libvirt/libvirt-admin.conf"
            : Path.Combine(ClientConfig.UserConfigDirectory(), "libvirt-admin.conf");

    /// <summary>
    /// The URI to open: <paramref name="uri"/> when given, else <paramref name="environmentDefault"/>, else the
    /// configuration's <c>uri_default</c>, else the system or session URI by <paramref name="privileged"/>; then
    /// replaced by its alias unless <paramref name="noAliases"/>.
    /// </summary>
    /// <exception cref="LibvirtClientException">An alias entry is malformed.</exception>
    public static string ResolveUri(string? uri, ClientConfig config, string? environmentDefault, bool privileged, bool noAliases)
    {
        ArgumentNullException.ThrowIfNull(config);
        string name = uri ?? (environmentDefault is { Length: > 0 } ? environmentDefault
            : config.UriDefault ?? (privileged ? "libvirtd:///system" : "libvirtd:///session"));
        return noAliases ? name : config.Resolve(name, null);
    }

    /// <summary>The admin socket for <paramref name="uri"/>.</summary>
    /// <param name="uri">An admin URI.</param>
    /// <param name="userRuntimeDirectory">Where session daemons put their sockets (default: <c>$XDG_RUNTIME_DIR/libvirt</c>, else <c>~/.cache/libvirt</c>).</param>
    /// <exception cref="LibvirtException">The URI has a parameter other than <c>socket</c>, an unknown scheme or a path other than <c>/system</c> and <c>/session</c> (VIR_ERR_CONFIG_UNSUPPORTED, domain admin).</exception>
    /// <exception cref="FormatException">Not a URI.</exception>
    public static string LocateSocket(string uri, string? userRuntimeDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        LibvirtUri parsed = LibvirtUri.Parse(uri);
        string? socket = null;
        foreach (KeyValuePair<string, string> parameter in parsed.Parameters)
        {
            socket = parameter.Key == "socket" ? parameter.Value : throw Unsupported($"Unknown URI parameter '{parameter.Key}'");
        }

        if (socket is not null)
        {
            return socket;
        }

        // LibvirtUri splits "driver+transport"; the admin interface knows only whole scheme names.
        string scheme = uri[..uri.IndexOf(':', StringComparison.Ordinal)];
        string socketName = scheme == "libvirtd" ? "libvirt-admin-sock"
            : scheme.StartsWith("virt", StringComparison.Ordinal) ? scheme + "-admin-sock"
            : throw Unsupported($"Unsupported URI scheme '{scheme}'");
        return parsed.Path switch
        {
            "/system" => Path.Combine(SystemSocketDirectory, socketName),
            "/session" => Path.Combine(userRuntimeDirectory ?? UnixSocketLocator.DefaultUserRuntimeDirectory(), socketName),
            string other => throw Unsupported($"Invalid URI path '{other}', try '/system'"),
        };
    }

    /// <summary>Resolves the URI and its socket with this process's environment and configuration.</summary>
    public static (string Uri, string Socket) ResolveForThisProcess(string? uri, bool noAliases)
    {
        string resolved = ResolveUri(
            uri,
            ClientConfig.LoadCached(DefaultConfigPath()),
            Environment.GetEnvironmentVariable("LIBVIRT_ADMIN_DEFAULT_URI"),
            Environment.IsPrivilegedProcess,
            noAliases);
        return (resolved, LocateSocket(resolved));
    }

    private static LibvirtException Unsupported(string detail) => new(new VirNetMessageError
    {
        Code = (int)ErrorCode.ConfigUnsupported,
        Domain = (int)ErrorDomain.Admin,
        Level = 2,
        Message = "unsupported configuration: " + detail,
    });
}
