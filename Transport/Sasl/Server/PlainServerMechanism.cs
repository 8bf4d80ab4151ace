using System.Text;

namespace LibvirtRemote.Transport.Sasl.Server;

/// <summary>
/// Server side of PLAIN (RFC 4616), verifying the password against the user's SCRAM data (SHA-256, else SHA-1):
/// the password is seen in memory but never stored. Offer it only on secure channels (TLS, Unix).
/// </summary>
public sealed class PlainServerMechanism : ISaslServerMechanism
{
    private static readonly ScramCredential DecoyCredential = ScramCredential.FromPassword(
        System.Security.Cryptography.HashAlgorithmName.SHA256, "decoy", System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), SaslUserDatabase.DefaultIterations);

    private readonly SaslUserDatabase _users;
    private bool _asked;
    private bool _done;

    /// <summary>Creates the mechanism.</summary>
    public PlainServerMechanism(SaslUserDatabase users)
    {
        ArgumentNullException.ThrowIfNull(users);
        _users = users;
    }

    /// <inheritdoc/>
    public string Name => "PLAIN";

    /// <inheritdoc/>
    public string? AuthenticatedUser { get; private set; }

    /// <inheritdoc/>
    public ISaslSecurityLayer? SecurityLayer => null;

    /// <inheritdoc/>
    public SaslServerStep Step(byte[]? clientData)
    {
        if (_done)
        {
            return SaslServerStep.Fail("PLAIN: the exchange is over");
        }

        if (clientData is null && !_asked)
        {
            // No initial response: an empty challenge asks the client for its message.
            _asked = true;
            return new SaslServerStep(SaslStepOutcome.Continue, []);
        }

        _done = true;
        string[] parts = Encoding.UTF8.GetString(clientData ?? []).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return SaslServerStep.Fail("PLAIN: malformed message");
        }

        string authzid = parts[0], user = parts[1], password = parts[2];
        if (authzid.Length > 0 && authzid != user)
        {
            return SaslServerStep.Fail("PLAIN: authorization identity other than the user is not supported");
        }

        ScramCredential? credential = _users.Find(user) is { } known ? known.ScramSha256 ?? known.ScramSha1 : null;
        if (credential is null)
        {
            // Spend the same PBKDF2 time as for a real user, so response time does not tell which names exist.
            _ = DecoyCredential.Verify(password);
            return SaslServerStep.Fail($"PLAIN: unknown user '{user}'");
        }

        if (!credential.Verify(password))
        {
            return SaslServerStep.Fail($"PLAIN: wrong password for '{user}'");
        }

        AuthenticatedUser = user;
        return new SaslServerStep(SaslStepOutcome.Success, null);
    }
}
