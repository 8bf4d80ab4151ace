using System.Text;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>SASL PLAIN (RFC 4616): authzid NUL authcid NUL password in one message. Only for secure channels.</summary>
public sealed class PlainMechanism : ISaslClientMechanism
{
    private readonly string _user;
    private readonly string _password;
    private readonly string _authorizationId;

    /// <summary>Creates the mechanism; an empty <paramref name="authorizationId"/> acts as <paramref name="user"/>.</summary>
    public PlainMechanism(string user, string password, string authorizationId = "")
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(authorizationId);
        _user = user;
        _password = password;
        _authorizationId = authorizationId;
    }

    /// <inheritdoc/>
    public string Name => "PLAIN";

    /// <inheritdoc/>
    public bool IsComplete { get; private set; }

    /// <inheritdoc/>
    public byte[]? InitialResponse()
    {
        IsComplete = true;
        return Encoding.UTF8.GetBytes(_authorizationId + "\0" + _user + "\0" + _password);
    }

    /// <inheritdoc/>
    public byte[] EvaluateChallenge(ReadOnlySpan<byte> challenge)
    {
        // PLAIN has a single client message; a server that asks for more gets nothing more.
        if (!challenge.IsEmpty)
        {
            throw new SaslException("PLAIN: unexpected challenge from the server");
        }

        return [];
    }
}
