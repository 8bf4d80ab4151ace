namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// The client side of one SASL mechanism for one authentication exchange. The exchange driver sends
/// <see cref="InitialResponse"/> with the mechanism name, then feeds each server challenge to
/// <see cref="EvaluateChallenge"/> until the server reports completion; a final server message (such as
/// SCRAM's server signature) is evaluated too, and <see cref="IsComplete"/> must then be true.
/// </summary>
public interface ISaslClientMechanism
{
    /// <summary>The mechanism name as SASL registers it (case-sensitive), e.g. <c>SCRAM-SHA-256</c>.</summary>
    string Name { get; }

    /// <summary>Whether the client has verified everything it needs (for SCRAM: the server's signature).</summary>
    bool IsComplete { get; }

    /// <summary>The client's first message, or null when the mechanism starts with a server challenge.</summary>
    byte[]? InitialResponse();

    /// <summary>Answers a server challenge; throws <see cref="SaslException"/> when the challenge is invalid.</summary>
    byte[] EvaluateChallenge(ReadOnlySpan<byte> challenge);

    /// <summary>
    /// The security layer the exchange negotiated, available once <see cref="IsComplete"/>; null when the
    /// mechanism has none (SCRAM, PLAIN) or none was chosen. Every byte after the exchange then passes through it.
    /// </summary>
    ISaslSecurityLayer? SecurityLayer => null;
}
