using System.Net;
using LibvirtRemote.Client.Auth;

namespace LibvirtRemote.Client;

/// <summary>How to open a connection.</summary>
public sealed class LibvirtConnectionOptions
{
    /// <summary>
    /// Open read-only (libvirt's VIR_CONNECT_RO): over Unix the read-only socket is used and the server refuses
    /// every mutating call. Default false.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>Longest a call waits for its reply; null (default) waits indefinitely, as libvirt does.</summary>
    public TimeSpan? CallTimeout { get; set; }

    /// <summary>
    /// Idle time after which the client pings the server (libvirt's default: 5 s). Null disables client pings;
    /// the server's own pings are answered either way. Only used when the server supports keepalive.
    /// </summary>
    public TimeSpan? KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Unanswered pings after which the server is declared dead and every pending call fails with
    /// <see cref="ConnectionLostException"/> (libvirt's default: 5, so a stalled peer is detected after about 30 s).
    /// </summary>
    public int KeepaliveCount { get; set; } = 5;

    /// <summary>
    /// User name and password for SASL authentication. When null, the <c>authfile=</c> URI parameter (or
    /// <c>LIBVIRT_AUTH_FILE</c>, <c>~/.config/libvirt/auth.conf</c>, <c>/etc/libvirt/auth.conf</c>) is consulted, then
    /// <see cref="CredentialCallback"/>.
    /// </summary>
    public NetworkCredential? Credentials { get; set; }

    /// <summary>Asked for SASL credentials when neither <see cref="Credentials"/> nor an auth file supplies them.</summary>
    public Func<SaslCredentialRequest, CancellationToken, ValueTask<NetworkCredential?>>? CredentialCallback { get; set; }

    /// <summary>
    /// Answers the questions of the <c>libssh</c> and <c>libssh2</c> transports (unknown host key, key passphrase,
    /// password, keyboard-interactive) where libvirt would call the connection's authentication callback. The
    /// answer is the text typed; null declines. The OpenSSH client that carries these transports asks through a
    /// private askpass program that hands each question to this callback. Passwords come from the auth file
    /// (service <c>ssh</c>) first, as in libvirt. When null (default), ssh asks on its own terminal, if it has one, and
    /// unknown host keys are refused.
    /// </summary>
    public Func<SshPromptRequest, CancellationToken, ValueTask<string?>>? SshPromptCallback { get; set; }

    /// <summary>
    /// The DIGEST-MD5 cipher to use on plain TCP (<c>rc4</c>, <c>3des</c>, <c>rc4-56</c>) when the server offers it,
    /// instead of the strongest one as Cyrus SASL picks it. Null (default) picks like libvirt.
    /// </summary>
    public string? SaslCipher { get; set; }

    /// <summary>
    /// Accept a TLS server certificate whose extended key usage lacks serverAuth when that extension is not marked
    /// critical, as libvirt does (it only warns). Default false: refused, naming the cause. A critical extension
    /// without serverAuth is refused either way, as by libvirt.
    /// </summary>
    public bool TlsLenientExtendedKeyUsage { get; set; }
}
