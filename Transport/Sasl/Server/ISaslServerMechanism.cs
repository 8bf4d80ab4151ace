namespace LibvirtRemote.Transport.Sasl.Server;

/// <summary>What one server step decided.</summary>
public enum SaslStepOutcome
{
    /// <summary>Send <see cref="SaslServerStep.Data"/> as a challenge (complete = 0) and wait for the client's next step.</summary>
    Continue,

    /// <summary>The client is authenticated; send <see cref="SaslServerStep.Data"/> (if any) with complete = 1.</summary>
    Success,

    /// <summary>Authentication failed; answer with an authentication error (libvirt: VIR_ERR_AUTH_FAILED).</summary>
    Failure,
}

/// <summary>The result of one server step: the outcome, the data to send (null for SASL's "nil"), and on failure why (for logs only — clients get a generic error).</summary>
/// <param name="Outcome">Continue, success or failure.</param>
/// <param name="Data">Bytes for the client; null means no data (nil = 1 on the wire), empty means empty data.</param>
/// <param name="FailureReason">Why authentication failed; never sent to the client.</param>
public readonly record struct SaslServerStep(SaslStepOutcome Outcome, byte[]? Data, string? FailureReason = null)
{
    internal static SaslServerStep Fail(string reason) => new(SaslStepOutcome.Failure, null, reason);
}

/// <summary>
/// The server side of one SASL mechanism for one authentication exchange (AUTH_SASL_START then AUTH_SASL_STEP
/// calls). Not thread-safe; one instance per exchange. After <see cref="SaslStepOutcome.Failure"/> the instance is
/// finished, and a new exchange needs a new instance.
/// </summary>
public interface ISaslServerMechanism
{
    /// <summary>The mechanism name as SASL registers it (case-sensitive).</summary>
    string Name { get; }

    /// <summary>The authenticated user name once a step returned <see cref="SaslStepOutcome.Success"/>; null before.</summary>
    string? AuthenticatedUser { get; }

    /// <summary>
    /// The security layer negotiated by the exchange (DIGEST-MD5 auth-int/auth-conf), available after success;
    /// null when none. A server applies it (for instance with <see cref="SaslSecurityLayerPipe"/>) to every byte
    /// after it has sent the reply that completed the exchange. Its <see cref="ISaslSecurityLayer.Ssf"/> is the SSF
    /// to check against the required minimum (libvirtd: 56 on plain TCP).
    /// </summary>
    ISaslSecurityLayer? SecurityLayer { get; }

    /// <summary>
    /// Processes the client's data: <paramref name="clientData"/> null when the client sent none (nil = 1, which
    /// START allows for mechanisms where the server speaks first), otherwise the bytes (possibly empty).
    /// </summary>
    SaslServerStep Step(byte[]? clientData);
}
