namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// A SASL security layer negotiated by a mechanism (DIGEST-MD5's integrity or confidentiality protection).
/// On the wire every protected buffer is a 4-byte big-endian length followed by the token this layer
/// produces; <see cref="SaslSecurityLayerPipe"/> adds and strips that length. One instance serves one
/// connection in both directions; wrapping and unwrapping each keep their own sequence state and are
/// not thread-safe on their own (one writer and one reader at a time).
/// </summary>
public interface ISaslSecurityLayer
{
    /// <summary>Security strength factor in bits as SASL counts it (e.g. 128 for rc4, 112 for 3des, 1 for integrity only).</summary>
    int Ssf { get; }

    /// <summary>Largest plaintext the peer accepts in one token; longer writes are split.</summary>
    int MaxWrapInput { get; }

    /// <summary>Largest token this side accepts from the peer (what it advertised); bigger ones are an error.</summary>
    int MaxUnwrapInput { get; }

    /// <summary>Upper bound of the token size for a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    int GetMaxWrappedLength(int plaintextLength);

    /// <summary>Protects <paramref name="plaintext"/> (at most <see cref="MaxWrapInput"/> bytes) into <paramref name="destination"/>; returns the token length.</summary>
    int Wrap(ReadOnlySpan<byte> plaintext, Span<byte> destination);

    /// <summary>
    /// Checks and decodes one token into <paramref name="destination"/> (at least as long as the token); returns
    /// the plaintext length. Throws <see cref="SaslException"/> when the token is forged, replayed or malformed.
    /// </summary>
    int Unwrap(ReadOnlySpan<byte> token, Span<byte> destination);
}
