using System.Buffers;
using System.Globalization;
using System.Text;

namespace LibvirtRemote.Client.Ssh;

/// <summary>
/// Builds the command lines libvirt 9.0.0's remote driver runs for the <c>ssh</c> and <c>ext</c> transports:
/// the OpenSSH client (so the user's ssh config, agent and known hosts apply) with a remote shell command
/// that bridges stdio to the daemon's socket, either through netcat or through <c>virt-ssh-helper</c>.
/// </summary>
public static partial class SshCommandBuilder
{
    private const string DefaultNetcat = "nc";

    // Characters after which libvirt quotes a word for the shell; anything else passes unquoted.
    private static readonly SearchValues<char> ShellMetacharacters = SearchValues.Create("\r\t\n !\"#$&'()*;<>?[\\]^`{|}~");

    private static readonly string[] CommonEnvironment = ["LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "DYLD_FORCE_FLAT_NAMESPACE", "PATH", "HOME", "USER", "LOGNAME", "TMPDIR"];

    private static readonly string[] SshEnvironment = ["XDG_RUNTIME_DIR", "KRB5CCNAME", "SSH_AUTH_SOCK", "SSH_ASKPASS", "GPG_TTY", "TERM", "OPENSSL_CONF", "DISPLAY", "XAUTHORITY"];

    /// <summary>
    /// The <c>ssh</c> argument vector for an <c>ssh</c>-transport URI: <c>[ssh, -p PORT, -l USER, -i KEYFILE, -T,
    /// -e, none, -o BatchMode=yes, -o StrictHostKeyChecking=no, --, HOST, "sh -c '…'"]</c>, each option only when
    /// the URI asks for it. <c>command=</c> replaces the ssh binary. Like libvirt's OpenSSH transport,
    /// <c>known_hosts</c>, <c>known_hosts_verify</c> and <c>sshauth</c> are accepted and not used (they belong to
    /// the libssh transports); use the ssh config for host keys.
    /// </summary>
    /// <param name="uri">The connection URI.</param>
    /// <param name="readOnly">Whether the connection is read-only (picks the read-only socket, <c>virt-ssh-helper -r</c>).</param>
    /// <param name="privileged">Whether this process runs as root (decides between the system and session daemon).</param>
    /// <param name="userRuntimeDirectory">Where the session daemon's socket lives, when it is used; null for libvirt's default.</param>
    /// <exception cref="ArgumentException">A parameter has a value libvirt refuses.</exception>
    public static IReadOnlyList<string> BuildSsh(LibvirtUri uri, bool readOnly, bool privileged, string? userRuntimeDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        string farSide = FarSideCommand(uri, "ssh", readOnly, privileged, userRuntimeDirectory);
        var argv = new List<string> { Parameter(uri, "command") ?? "ssh" };
        if (uri.Port is int port)
        {
            argv.Add("-p");
            argv.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        if (uri.User is string name)
        {
            argv.Add("-l");
            argv.Add(name);
        }

        if (Parameter(uri, "keyfile") is string keyfile)
        {
            argv.Add("-i");
            argv.Add(keyfile);
        }

        argv.AddRange(["-T", "-e", "none"]);
        if (Flag(uri, "no_tty"))
        {
            argv.AddRange(["-o", "BatchMode=yes"]);
        }

        if (Flag(uri, "no_verify"))
        {
            argv.AddRange(["-o", "StrictHostKeyChecking=no"]);
        }

        argv.AddRange(["--", uri.Host ?? "localhost", farSide]);
        return argv;
    }

    /// <summary>
    /// The <c>ext</c> transport's argument vector: <c>command=</c> is one program path, run without a shell and
    /// without arguments (libvirt does not split it, so <c>command=/usr/bin/nc -U /sock</c> names a program
    /// that does not exist).
    /// </summary>
    /// <exception cref="ArgumentException">The URI has no <c>command</c>.</exception>
    public static IReadOnlyList<string> BuildExternal(LibvirtUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Parameter(uri, "command") is string command
            ? [command]
            : throw new ArgumentException("For the 'ext' transport, the URI needs a 'command' parameter", nameof(uri));
    }

    /// <summary>
    /// The shell command run on the far side: <c>sh -c '…'</c> with netcat (probing whether it needs
    /// <c>-q0</c> to exit on EOF), <c>virt-ssh-helper [-r] URI</c>, or, for <c>auto</c>, the helper when the
    /// remote host has it and netcat otherwise.
    /// </summary>
    /// <param name="proxy"><c>auto</c>, <c>netcat</c> or <c>native</c>.</param>
    /// <param name="netcat">The netcat binary from the URI, or null for <c>nc</c>.</param>
    /// <param name="socket">The daemon's socket on the remote host.</param>
    /// <param name="driverUri">The URI handed to <c>virt-ssh-helper</c> (the name sent in CONNECT_OPEN).</param>
    /// <param name="readOnly">Whether to ask the helper for the read-only socket.</param>
    /// <exception cref="ArgumentException"><c>netcat</c> was given together with the native proxy.</exception>
    public static string ProxyCommand(string proxy, string? netcat, string socket, string driverUri, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(driverUri);

        // A netcat path means the user wants the netcat bridge, unless they explicitly chose otherwise.
        if (proxy == "auto" && netcat is not null)
        {
            proxy = "netcat";
        }

        string nc = QuoteTwice(netcat ?? DefaultNetcat);
        string netcatCommand =
            $"if '{nc}' -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'{nc}' $ARG -U {socket}";
        string helperCommand = $"virt-ssh-helper{(readOnly ? " -r " : " ")}'{QuoteTwice(driverUri)}'";
        return proxy switch
        {
            "auto" => $"sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     {helperCommand}; else    {netcatCommand}; fi'",
            "netcat" => $"sh -c '{netcatCommand}'",
            "native" when netcat is not null => throw new ArgumentException("A netcat path is not valid with the native proxy", nameof(netcat)),
            "native" => $"sh -c '{helperCommand}'",
            _ => throw new ArgumentException($"Unknown proxy type '{proxy}'", nameof(proxy)),
        };
    }

    /// <summary>
    /// The environment libvirt gives the child: <c>LC_ALL=C</c> plus a fixed list of variables taken from this
    /// process (for ssh also the agent, Kerberos and askpass ones); nothing else leaks through.
    /// </summary>
    /// <param name="ssh">Whether the child is ssh (more variables pass).</param>
    public static IReadOnlyDictionary<string, string> ChildEnvironment(bool ssh)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["LC_ALL"] = "C" };
        foreach (string name in ssh ? CommonEnvironment.Concat(SshEnvironment) : CommonEnvironment)
        {
            if (Environment.GetEnvironmentVariable(name) is string value)
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    /// <summary>Quotes a word for the shell the way libvirt does: only when it has a metacharacter.</summary>
    internal static string QuoteForShell(string word)
    {
        if (word.Length == 0)
        {
            return "''";
        }

        if (word.AsSpan().IndexOfAny(ShellMetacharacters) < 0)
        {
            return word;
        }

        return new StringBuilder(word.Length + 8).Append('\'').Append(word.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'').ToString();
    }

    // What the far side runs to reach the daemon (see ProxyCommand), from the URI's socket, netcat and proxy.
    private static string FarSideCommand(LibvirtUri uri, string transport, bool readOnly, bool privileged, string? userRuntimeDirectory)
    {
        string? socket = Parameter(uri, "socket");
        string? netcat = Parameter(uri, "netcat");
        bool user = !privileged && (uri.Path == "/session" || uri.Driver == "test");
        string proxy = Parameter(uri, "proxy") ?? (socket is not null ? "netcat" : user ? "native" : "auto");
        if (proxy is not ("auto" or "netcat" or "native"))
        {
            throw new ArgumentException($"Unknown proxy type '{proxy}' (expected auto, netcat or native)", nameof(uri));
        }

        socket ??= RemoteSocket(uri, transport, readOnly, privileged, userRuntimeDirectory);
        return ProxyCommand(proxy, netcat, socket, uri.RemoteName(), readOnly);
    }

    // The value goes through two shells (ssh's remote login shell, then sh -c), so it is quoted twice.
    private static string QuoteTwice(string word) => QuoteForShell(QuoteForShell(word));

    // The far side's socket when the URI names none: the legacy libvirtd socket, since a remote host cannot be
    // probed for modular daemons (virt-ssh-helper probes there itself).
    private static string RemoteSocket(LibvirtUri uri, string transport, bool readOnly, bool privileged, string? userRuntimeDirectory)
    {
        string mode = Parameter(uri, "mode") ?? "auto";
        return mode switch
        {
            "direct" => throw new ArgumentException($"Cannot use direct socket mode for {transport} transport", nameof(uri)),
            "auto" or "legacy" => UnixSocketLocator.Locate(uri, readOnly, privileged, _ => false, userRuntimeDirectory),
            _ => throw new ArgumentException($"Unknown remote mode '{mode}' (expected auto, legacy or direct)", nameof(uri)),
        };
    }

    // libvirt matches the remote driver's parameter names case-insensitively (and strips them from the name that
    // way too); the last occurrence wins.
    private static string? Parameter(LibvirtUri uri, string name)
    {
        string? value = null;
        foreach (KeyValuePair<string, string> pair in uri.Parameters)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = pair.Value;
            }
        }

        return value;
    }

    private static bool Flag(LibvirtUri uri, string name)
    {
        if (Parameter(uri, name) is not string text)
        {
            return false;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value != 0
            : throw new ArgumentException($"Failed to parse value of URI component {name}", nameof(uri));
    }
}
