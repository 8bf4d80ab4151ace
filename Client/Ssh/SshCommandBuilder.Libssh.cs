using System.Globalization;

namespace LibvirtRemote.Client.Ssh;

/// <summary>
/// The <c>libssh</c> and <c>libssh2</c> transports. libvirt runs them in-process with those libraries; here the
/// OpenSSH client plays their part, with their parameters and defaults mapped onto its options.
/// </summary>
public static partial class SshCommandBuilder
{
    // Where libvirt looks for a key when the URI names none, in this order, under ~/.ssh.
    private static readonly string[] DefaultKeyNames = ["identity", "id_dsa", "id_ecdsa", "id_ed25519", "id_rsa"];

    /// <summary>
    /// The <c>ssh</c> argument vector for a <c>libssh</c> or <c>libssh2</c> URI. These transports differ from
    /// <c>ssh</c> in their defaults and parameters:
    /// <list type="bullet">
    /// <item>user <c>root</c> and port 22 unless the URI gives them;</item>
    /// <item>host keys only from <c>known_hosts=</c>, by default <c>$XDG_CONFIG_HOME/libvirt/known_hosts</c>, checked as
    /// <c>known_hosts_verify=</c> says (<c>normal</c>: unknown or changed keys are refused; <c>auto</c>: unknown keys
    /// are added; <c>ignore</c>: no check);</item>
    /// <item>the key from <c>keyfile=</c>, or the first of <c>~/.ssh/identity</c>, <c>id_dsa</c>, <c>id_ecdsa</c>,
    /// <c>id_ed25519</c>, <c>id_rsa</c> that exists;</item>
    /// <item>the methods in <c>sshauth=</c> (<c>agent</c>, <c>privkey</c>, <c>password</c>,
    /// <c>keyboard-interactive</c>), by default all of them (without <c>privkey</c> when there is no key).</item>
    /// </list>
    /// <c>command=</c>, <c>no_tty=</c> and <c>no_verify=</c> belong to the ssh transport and are ignored, as libvirt
    /// ignores them here. Without <paramref name="interactive"/>, ssh asks for secrets itself, on its terminal, and
    /// refuses unknown host keys; with it, ssh asks (through askpass) whether to accept an unknown host key under
    /// <c>known_hosts_verify=normal</c>, showing the fingerprint in the digest libvirt shows (SHA-256 for libssh, MD5
    /// for libssh2).
    /// </summary>
    /// <param name="uri">The connection URI.</param>
    /// <param name="readOnly">Whether the connection is read-only.</param>
    /// <param name="privileged">Whether this process runs as root.</param>
    /// <param name="homeDirectory">The user's home directory (for the default key).</param>
    /// <param name="configDirectory">libvirt's per-user configuration directory (for the default known hosts file).</param>
    /// <param name="userRuntimeDirectory">Where the session daemon's socket lives, when it is used; null for libvirt's default.</param>
    /// <param name="interactive">Whether questions reach the application (an askpass bridge to its callback).</param>
    /// <exception cref="ArgumentException">A parameter has a value libvirt refuses.</exception>
    public static IReadOnlyList<string> BuildLibssh(LibvirtUri uri, bool readOnly, bool privileged, string homeDirectory, string configDirectory, string? userRuntimeDirectory = null, bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(homeDirectory);
        ArgumentNullException.ThrowIfNull(configDirectory);
        string transport = uri.EffectiveTransport;
        string farSide = FarSideCommand(uri, transport, readOnly, privileged, userRuntimeDirectory);
        string knownHosts = Parameter(uri, "known_hosts") ?? Path.Combine(configDirectory, "known_hosts");
        string? key = Parameter(uri, "keyfile") ?? DefaultKeyNames.Select(name => Path.Combine(homeDirectory, ".ssh", name)).FirstOrDefault(File.Exists);
        string verify = Parameter(uri, "known_hosts_verify") ?? "normal";
        string strictness = verify.ToLowerInvariant() switch
        {
            "normal" => interactive ? "ask" : "yes",
            "auto" => "accept-new",
            "ignore" => "no",
            _ => throw new ArgumentException($"Invalid host key verification method: '{verify}'", nameof(uri)),
        };

        string[] methods = (Parameter(uri, "sshauth") ?? (key is not null ? "agent,privkey,password,keyboard-interactive" : "agent,password,keyboard-interactive"))
            .Split(',');
        var preferred = new List<string>();
        foreach (string method in methods)
        {
            string openSsh = method.ToLowerInvariant() switch
            {
                "agent" or "privkey" => "publickey",
                "password" => "password",
                "keyboard-interactive" => "keyboard-interactive",
                _ => throw new ArgumentException($"Invalid authentication method: '{method}'", nameof(uri)),
            };
            if (!preferred.Contains(openSsh))
            {
                preferred.Add(openSsh);
            }
        }

        bool agent = methods.Any(m => m.Equals("agent", StringComparison.OrdinalIgnoreCase));
        bool privateKey = methods.Any(m => m.Equals("privkey", StringComparison.OrdinalIgnoreCase));
        var argv = new List<string>
        {
            "ssh",
            "-p", (uri.Port ?? 22).ToString(CultureInfo.InvariantCulture),
            "-l", uri.User ?? "root",
            "-T", "-e", "none",
            "-o", "UserKnownHostsFile=" + (strictness == "no" ? "/dev/null" : knownHosts),
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=" + strictness,
            "-o", "PreferredAuthentications=" + string.Join(',', preferred),
        };
        if (privateKey && key is not null)
        {
            argv.AddRange(["-i", key]);
        }

        if (interactive)
        {
            argv.AddRange(["-o", "FingerprintHash=" + (transport == "libssh2" ? "md5" : "sha256")]);
        }

        if (!agent)
        {
            argv.AddRange(["-o", "IdentityAgent=none"]);
        }

        argv.AddRange(["--", uri.Host ?? "localhost", farSide]);
        return argv;
    }
}
