using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding (GS2 header <c>n,,</c>).
/// Verifies the server's signature before reporting completion.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "SCRAM-SHA-1 is defined with SHA-1; SHA-256 is preferred when the server offers it.")]
public sealed class ScramMechanism : ISaslClientMechanism
{
    private const string Gs2Header = "n,,";
    private const int MaxIterations = 1_000_000;
    private readonly HashAlgorithmName _hash;
    private readonly string _user;
    private readonly string _password;
    private readonly string _clientNonce;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;
    private int _state;

    /// <summary>Creates the mechanism with a random client nonce.</summary>
    public ScramMechanism(HashAlgorithmName hash, string user, string password)
        : this(hash, user, password, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)))
    {
    }

    /// <summary>Creates the mechanism with a given client nonce (printable ASCII without ','): for tests against known vectors.</summary>
    public ScramMechanism(HashAlgorithmName hash, string user, string password, string clientNonce)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentException.ThrowIfNullOrEmpty(clientNonce);
        if (hash != HashAlgorithmName.SHA1 && hash != HashAlgorithmName.SHA256)
        {
            throw new ArgumentException("SCRAM supports SHA-1 and SHA-256", nameof(hash));
        }

        if (clientNonce.Contains(',', StringComparison.Ordinal))
        {
            throw new ArgumentException("The nonce must not contain ','", nameof(clientNonce));
        }

        _hash = hash;
        _user = user;
        _password = password;
        _clientNonce = clientNonce;
    }

    /// <inheritdoc/>
    public string Name => _hash == HashAlgorithmName.SHA1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";

    /// <inheritdoc/>
    public bool IsComplete => _state == 3;

    /// <inheritdoc/>
    public byte[]? InitialResponse()
    {
        if (_state != 0)
        {
            throw new InvalidOperationException("The SCRAM exchange has already started");
        }

        // RFC 5802 5.1: ',' and '=' in the user name are escaped; the name itself should be SASLprep'd, which
        // normalization to NFKC approximates for the names people use.
        string name = _user.Normalize(NormalizationForm.FormKC).Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
        _clientFirstBare = "n=" + name + ",r=" + _clientNonce;
        _state = 1;
        return Encoding.UTF8.GetBytes(Gs2Header + _clientFirstBare);
    }

    /// <inheritdoc/>
    public byte[] EvaluateChallenge(ReadOnlySpan<byte> challenge)
    {
        string message = Encoding.UTF8.GetString(challenge);
        switch (_state)
        {
            case 1:
                return ClientFinal(message);
            case 2:
                VerifyServerFinal(message);
                return [];
            default:
                throw new SaslException($"{Name}: unexpected server message in state {_state}");
        }
    }

    private byte[] ClientFinal(string serverFirst)
    {
        string? nonce = null, salt = null, iterations = null;
        foreach (string part in serverFirst.Split(','))
        {
            if (part.StartsWith("r=", StringComparison.Ordinal))
            {
                nonce = part[2..];
            }
            else if (part.StartsWith("s=", StringComparison.Ordinal))
            {
                salt = part[2..];
            }
            else if (part.StartsWith("i=", StringComparison.Ordinal))
            {
                iterations = part[2..];
            }
            else if (part.StartsWith("m=", StringComparison.Ordinal))
            {
                throw new SaslException($"{Name}: the server requires an extension this client does not know");
            }
            else if (part.StartsWith("e=", StringComparison.Ordinal))
            {
                throw new SaslException($"{Name}: the server refused: {part[2..]}");
            }
        }

        if (nonce is null || salt is null || iterations is null)
        {
            throw new SaslException($"{Name}: malformed server-first-message");
        }

        // The combined nonce must extend ours, or a replayed or foreign exchange could be answered.
        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
        {
            throw new SaslException($"{Name}: the server nonce does not extend the client nonce");
        }

        if (!int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1 || count > MaxIterations)
        {
            throw new SaslException($"{Name}: invalid iteration count '{iterations}'");
        }

        byte[] saltBytes;
        try
        {
            saltBytes = Convert.FromBase64String(salt);
        }
        catch (FormatException e)
        {
            throw new SaslException($"{Name}: salt is not base64", e);
        }

        int hashLength = _hash == HashAlgorithmName.SHA1 ? 20 : 32;
        byte[] saltedPassword = Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(_password.Normalize(NormalizationForm.FormKC)), saltBytes, count, _hash, hashLength);
        byte[] clientKey = Hmac(saltedPassword, "Client Key"u8);
        byte[] storedKey = _hash == HashAlgorithmName.SHA1 ? SHA1.HashData(clientKey) : SHA256.HashData(clientKey);
        string withoutProof = "c=" + Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header)) + ",r=" + nonce;
        byte[] authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirst + "," + withoutProof);
        byte[] clientSignature = Hmac(storedKey, authMessage);
        for (int i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= clientSignature[i];
        }

        _expectedServerSignature = Hmac(Hmac(saltedPassword, "Server Key"u8), authMessage);
        _state = 2;
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(clientKey));
    }

    private void VerifyServerFinal(string serverFinal)
    {
        if (serverFinal.StartsWith("e=", StringComparison.Ordinal))
        {
            throw new SaslException($"{Name}: the server refused: {serverFinal[2..]}");
        }

        if (!serverFinal.StartsWith("v=", StringComparison.Ordinal))
        {
            throw new SaslException($"{Name}: malformed server-final-message");
        }

        string verifier = serverFinal[2..];
        int comma = verifier.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0)
        {
            verifier = verifier[..comma];
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(verifier);
        }
        catch (FormatException e)
        {
            throw new SaslException($"{Name}: server signature is not base64", e);
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw new SaslException($"{Name}: the server's signature is wrong (the server does not know the password)");
        }

        _state = 3;
    }

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data)
        => _hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);
}
