namespace LibvirtRemote.Client.Auth;

/// <summary>What an ssh question is about.</summary>
public enum SshPromptKind
{
    /// <summary>
    /// The server's host key is not in the known hosts file (<c>known_hosts_verify=normal</c>). Answer <c>y</c>
    /// (any case) to accept it, which also records it in the file; anything else, or null, refuses the connection.
    /// </summary>
    HostKey,

    /// <summary>The passphrase of the private key (<c>keyfile=</c>); null gives up on the key.</summary>
    KeyPassphrase,

    /// <summary>The user's password (<c>sshauth=password</c>); null gives up on password authentication.</summary>
    Password,

    /// <summary>One of the server's keyboard-interactive questions; null gives up on that method.</summary>
    KeyboardInteractive,
}

/// <summary>
/// A question the <c>libssh</c> and <c>libssh2</c> transports ask through
/// <see cref="LibvirtConnectionOptions.SshPromptCallback"/>, where libvirt would call the connection's
/// authentication callback with one credential.
/// </summary>
/// <param name="Uri">The URI being opened.</param>
/// <param name="Kind">What is asked.</param>
/// <param name="Type">The credential type libvirt would ask for: <see cref="CredentialType.EchoPrompt"/> for a host key,
/// <see cref="CredentialType.Passphrase"/> otherwise.</param>
/// <param name="Prompt">libvirt's prompt text for the question, e.g. <c>Accept SSH host key with hash '…' for host 'h:22' (y/n)?</c>.</param>
/// <param name="Challenge">The host name for a password, as libvirt gives it; otherwise null.</param>
public sealed record SshPromptRequest(LibvirtUri Uri, SshPromptKind Kind, CredentialType Type, string Prompt, string? Challenge);
