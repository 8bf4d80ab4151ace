using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LibvirtRemote.Client.Auth;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client.Ssh;

/// <summary>
/// Turns the OpenSSH client's askpass questions into the questions libvirt's libssh/libssh2 transports ask through
/// the authentication callback (same credential types and prompt texts), and the callback's answers back into what
/// ssh expects. Remembers the error libvirt would have raised, so a refused connection reports that instead of
/// ssh's own complaint.
/// </summary>
internal sealed partial class SshPromptTranslator
{
    private readonly LibvirtUri _uri;
    private readonly bool _libssh2;
    private readonly Func<SshPromptRequest, CancellationToken, ValueTask<string?>> _callback;
    private readonly Func<string?> _authFilePassword;
    private readonly HashSet<string> _keysAsked = new(StringComparer.Ordinal);
    private Exception? _failure;

    /// <param name="uri">The URI being opened (host, port and user for the prompts).</param>
    /// <param name="callback">The application's callback.</param>
    /// <param name="authFilePassword">The password for service <c>ssh</c> from the auth file, if any (asked lazily).</param>
    internal SshPromptTranslator(LibvirtUri uri, Func<SshPromptRequest, CancellationToken, ValueTask<string?>> callback, Func<string?> authFilePassword)
    {
        _uri = uri;
        _libssh2 = uri.EffectiveTransport == "libssh2";
        _callback = callback;
        _authFilePassword = authFilePassword;
    }

    /// <summary>The first error libvirt would have raised for an answer given so far; null when none.</summary>
    internal Exception? Failure => Volatile.Read(ref _failure);

    private string Host => _uri.Host ?? "localhost";

    /// <summary>
    /// What ssh's question means for libvirt: the request for the callback, or null when the question is answered
    /// without asking (a password from the auth file) or must fail (a key passphrase asked a second time, i.e. the
    /// first one was wrong).
    /// </summary>
    internal SshPromptRequest Classify(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (HostKeyQuestion().Match(question) is { Success: true } hostKey)
        {
            string hash = FormatHash(hostKey.Groups["algorithm"].Value, hostKey.Groups["hash"].Value);
            string prompt = $"Accept SSH host key with hash '{hash}' for host '{Host}:{(_uri.Port ?? 22).ToString(CultureInfo.InvariantCulture)}' (y/n)?";
            return new SshPromptRequest(_uri, SshPromptKind.HostKey, CredentialType.EchoPrompt, prompt, null);
        }

        if (KeyQuestion().Match(question) is { Success: true } key)
        {
            string path = key.Groups["quoted"].Success ? key.Groups["quoted"].Value : key.Groups["bare"].Value;
            return new SshPromptRequest(_uri, SshPromptKind.KeyPassphrase, CredentialType.Passphrase, _libssh2 ? $"Passphrase for key '{path}'" : "Passphrase", path);
        }

        if (PasswordQuestion().IsMatch(question))
        {
            string user = _uri.User ?? "root";
            return new SshPromptRequest(_uri, SshPromptKind.Password, CredentialType.Passphrase, $"Enter {user}'s password for {Host}", Host);
        }

        // ssh puts "(user@host) " before the server's prompt; libvirt shows the prompt without its trailing ": ".
        string text = UserAtHostPrefix().Replace(question, string.Empty, 1).TrimEnd(' ', ':');
        return new SshPromptRequest(_uri, SshPromptKind.KeyboardInteractive, CredentialType.Passphrase, text, null);
    }

    /// <summary>
    /// Answers one askpass question: the text ssh should read, or null to make the askpass program fail (ssh then
    /// gives up what it was asking for).
    /// </summary>
    internal async ValueTask<string?> AnswerAsync(string question, CancellationToken cancellationToken)
    {
        SshPromptRequest request = Classify(question);
        if (request.Kind == SshPromptKind.KeyPassphrase && !_keysAsked.Add(request.Challenge ?? string.Empty))
        {
            // libvirt asks for a key's passphrase once; OpenSSH asks again when the first was wrong.
            Fail(WrongPassphrase(request.Challenge ?? string.Empty));
            return null;
        }

        if (request.Kind == SshPromptKind.Password)
        {
            try
            {
                if (_authFilePassword() is string configured)
                {
                    return configured;
                }
            }
            catch (LibvirtClientException e)
            {
                Fail(e);
                return null;
            }
        }

        string? answer;
        try
        {
            answer = await _callback(request with { Challenge = request.Kind == SshPromptKind.Password ? request.Challenge : null }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(CallbackFailed(request.Kind, e));
            return null;
        }

        switch (request.Kind)
        {
            case SshPromptKind.HostKey when answer is not null && answer.Equals("y", StringComparison.OrdinalIgnoreCase):
                return "yes";
            case SshPromptKind.HostKey:
                string hash = HashInPrompt().Match(request.Prompt).Groups["hash"].Value;
                Fail(Transport($"SSH host key for '{Host}' ({hash}) was not accepted"));
                return "no";
            case SshPromptKind.KeyPassphrase when answer is null:
                Fail(Transport("failed to retrieve private key passphrase: callback has failed"));
                return null;
            case SshPromptKind.Password when answer is null:
                Fail(Error(ErrorCode.AuthFailed, ErrorDomain.Auth, "authentication failed: Password request failed"));
                return null;
            case SshPromptKind.KeyboardInteractive when answer is null:
                Fail(CallbackFailed(request.Kind, null));
                return null;
            default:
                return answer;
        }
    }

    /// <summary>
    /// libssh shows a host key's SHA-256 digest and libssh2 its MD5 digest, both as colon-separated hex (libssh in
    /// lower case, libssh2 in upper case); ssh prints SHA-256 in base64 and MD5 in lower-case hex.
    /// </summary>
    internal static string FormatHash(string algorithm, string digest)
    {
        if (algorithm == "MD5")
        {
            return digest.ToUpperInvariant();
        }

        string padded = digest.PadRight(digest.Length + ((4 - (digest.Length % 4)) % 4), '=');
        byte[] bytes = Convert.FromBase64String(padded);
        var text = new StringBuilder(bytes.Length * 3);
        foreach (byte b in bytes)
        {
            text.Append(text.Length == 0 ? string.Empty : ":").Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private LibvirtException WrongPassphrase(string path) => _libssh2
        ? Error(ErrorCode.AuthFailed, ErrorDomain.Ssh, $"authentication failed: authentication with private key '{path}' has failed: Unable to extract public key from private key file: Wrong passphrase or invalid/unrecognized private key file format")
        : Error(ErrorCode.AuthFailed, ErrorDomain.Libssh, $"authentication failed: error while opening private key '{path}', wrong passphrase?");

    private LibvirtException CallbackFailed(SshPromptKind kind, Exception? cause) => Transport(
        kind switch
        {
            SshPromptKind.HostKey => "failed to retrieve decision to accept host key",
            SshPromptKind.KeyPassphrase => "failed to retrieve private key passphrase: callback has failed",
            SshPromptKind.Password => "Password request failed",
            _ => _libssh2 ? "failed to retrieve credentials" : "failed to retrieve keyboard interactive result: callback has failed",
        },
        cause);

    // An error of this transport's own code and domain, with libvirt's prefix for that code.
    private LibvirtException Transport(string detail, Exception? cause = null) => _libssh2
        ? Error(ErrorCode.Ssh, ErrorDomain.Ssh, "SSH transport error: " + detail, cause)
        : Error(ErrorCode.Libssh, ErrorDomain.Libssh, "libssh transport error: " + detail, cause);

    private static LibvirtException Error(ErrorCode code, ErrorDomain domain, string message, Exception? cause = null)
        => new(new VirNetMessageError { Code = (int)code, Domain = (int)domain, Level = 2, Message = message }, cause);

    private void Fail(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    [GeneratedRegex(@"key fingerprint is (?<algorithm>SHA256|MD5):(?<hash>[A-Za-z0-9+/=:]+)[\s\S]*continue connecting", RegexOptions.CultureInvariant)]
    private static partial Regex HostKeyQuestion();

    [GeneratedRegex(@"^(?:Enter passphrase for key '(?<quoted>.*)': ?|Bad passphrase, try again for (?<bare>.*): ?)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex KeyQuestion();

    [GeneratedRegex(@"^[^\n]*'s password: ?$", RegexOptions.CultureInvariant)]
    private static partial Regex PasswordQuestion();

    [GeneratedRegex(@"^\([^()\s]*@[^()\s]*\) ", RegexOptions.CultureInvariant)]
    private static partial Regex UserAtHostPrefix();

    [GeneratedRegex(@"hash '(?<hash>[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex HashInPrompt();
}
