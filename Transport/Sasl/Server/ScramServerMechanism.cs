using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl.Server;

/// <summary>
/// Server side of SCRAM-SHA-256 / SCRAM-SHA-1 (RFC 5802, RFC 7677) without channel binding, verifying against
/// <see cref="ScramCredential"/>s. An unknown user gets a made-up salt and fails only at the proof, so the
/// exchange does not reveal which names exist.
/// </summary>
public sealed class ScramServerMechanism : ISaslServerMechanism
{
    private readonly HashAlgorithmName _hash;
    private readonly SaslUserDatabase _users;
    private string? _gs2Header;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private string? _user;
    private ScramCredential? _credential;
    private int _state;

    /// <summary>Creates the mechanism for SHA-256 or SHA-1.</summary>
    public ScramServerMechanism(HashAlgorithmName hash, SaslUserDatabase users)
    {
        if (hash != HashAlgorithmName.SHA1 && hash != HashAlgorithmName.SHA256)
        {
            throw new ArgumentException("SCRAM supports SHA-1 and SHA-256", nameof(hash));
        }

        ArgumentNullException.ThrowIfNull(users);
        _hash = hash;
        _users = users;
    }

    /// <summary>The server's part of the nonce; random when null (set only to reproduce known exchanges).</summary>
    public string? ServerNonce { get; init; }

    /// <inheritdoc/>
    public string Name => _hash == HashAlgorithmName.SHA1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";

    /// <inheritdoc/>
    public string? AuthenticatedUser { get; private set; }

    /// <inheritdoc/>
    public ISaslSecurityLayer? SecurityLayer => null;

    /// <inheritdoc/>
    public SaslServerStep Step(byte[]? clientData)
    {
        try
        {
            switch (_state)
            {
                case 0 when clientData is null || clientData.Length == 0:
                    // The client did not send its first message with START: ask for it with an empty challenge.
                    _state = 1;
                    return new SaslServerStep(SaslStepOutcome.Continue, []);
                case 0 or 1 when clientData is not null:
                    return ServerFirst(Encoding.UTF8.GetString(clientData));
                case 2 when clientData is not null:
                    return ServerFinal(Encoding.UTF8.GetString(clientData));
                default:
                    return Finish(SaslServerStep.Fail($"{Name}: unexpected client message in state {_state}"));
            }
        }
        catch (Exception e) when (e is FormatException or SaslException)
        {
            return Finish(SaslServerStep.Fail($"{Name}: {e.Message}"));
        }
    }

    private SaslServerStep ServerFirst(string clientFirst)
    {
        // gs2-header: channel binding flag "n" (client has none) or "y" (client could, thinks we cannot), optional authzid.
        int first = clientFirst.IndexOf(',', StringComparison.Ordinal);
        int second = first < 0 ? -1 : clientFirst.IndexOf(',', first + 1);
        if (second < 0)
        {
            return Finish(SaslServerStep.Fail($"{Name}: malformed client-first-message"));
        }

        string flag = clientFirst[..first];
        if (flag != "n" && flag != "y")
        {
            return Finish(SaslServerStep.Fail($"{Name}: channel binding '{flag}' is not supported"));
        }

        string authzid = clientFirst[(first + 1)..second];
        _gs2Header = clientFirst[..(second + 1)];
        _clientFirstBare = clientFirst[(second + 1)..];
        string? user = null, clientNonce = null;
        foreach (string part in _clientFirstBare.Split(','))
        {
            if (part.StartsWith("n=", StringComparison.Ordinal))
            {
                user = Unescape(part[2..]);
            }
            else if (part.StartsWith("r=", StringComparison.Ordinal))
            {
                clientNonce = part[2..];
            }
            else if (part.StartsWith("m=", StringComparison.Ordinal))
            {
                return Finish(SaslServerStep.Fail($"{Name}: mandatory extension not supported"));
            }
        }

        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(clientNonce))
        {
            return Finish(SaslServerStep.Fail($"{Name}: client-first-message lacks n= or r="));
        }

        if (authzid.Length > 0 && (!authzid.StartsWith("a=", StringComparison.Ordinal) || Unescape(authzid[2..]) != user))
        {
            return Finish(SaslServerStep.Fail($"{Name}: authorization identity other than the user is not supported"));
        }

        _user = user;
        SaslUser? known = _users.Find(user);
        _credential = _hash == HashAlgorithmName.SHA1 ? known?.ScramSha1 : known?.ScramSha256;
        ScramCredential shown = _credential ?? DecoyCredential(user);
        _nonce = clientNonce + (ServerNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
        _serverFirst = "r=" + _nonce + ",s=" + Convert.ToBase64String(shown.Salt) + ",i=" + shown.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _state = 2;
        return new SaslServerStep(SaslStepOutcome.Continue, Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslServerStep ServerFinal(string clientFinal)
    {
        int proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return Finish(SaslServerStep.Fail($"{Name}: client-final-message has no proof"));
        }

        string withoutProof = clientFinal[..proofAt];
        byte[] proof = Convert.FromBase64String(clientFinal[(proofAt + 3)..]);
        string? binding = null, nonce = null;
        foreach (string part in withoutProof.Split(','))
        {
            if (part.StartsWith("c=", StringComparison.Ordinal))
            {
                binding = part[2..];
            }
            else if (part.StartsWith("r=", StringComparison.Ordinal))
            {
                nonce = part[2..];
            }
        }

        if (binding != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header!)))
        {
            return Finish(SaslServerStep.Fail($"{Name}: channel binding data does not match the gs2 header"));
        }

        if (nonce != _nonce)
        {
            return Finish(SaslServerStep.Fail($"{Name}: nonce mismatch"));
        }

        if (_credential is null)
        {
            return Finish(SaslServerStep.Fail($"{Name}: unknown user '{_user}'"));
        }

        byte[] authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + _serverFirst + "," + withoutProof);
        byte[] clientSignature = ScramCredential.Hmac(_hash, _credential.StoredKey, authMessage);
        if (proof.Length != clientSignature.Length)
        {
            return Finish(SaslServerStep.Fail($"{Name}: proof has the wrong length"));
        }

        for (int i = 0; i < proof.Length; i++)
        {
            proof[i] ^= clientSignature[i];
        }

        if (!CryptographicOperations.FixedTimeEquals(ScramCredential.HashData(_hash, proof), _credential.StoredKey))
        {
            return Finish(SaslServerStep.Fail($"{Name}: wrong password for '{_user}'"));
        }

        AuthenticatedUser = _user;
        _state = 3;
        byte[] serverSignature = ScramCredential.Hmac(_hash, _credential.ServerKey, authMessage);
        return new SaslServerStep(SaslStepOutcome.Success, Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)));
    }

    private SaslServerStep Finish(SaslServerStep step)
    {
        _state = 4;
        return step;
    }

    private static string Unescape(string name)
        => name.Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);

    // A stable salt per unknown name, so probing the same name twice looks like a real user.
    private ScramCredential DecoyCredential(string user)
    {
        byte[] salt = HMACSHA256.HashData(DecoyKey, Encoding.UTF8.GetBytes(user)).AsSpan(0, 16).ToArray();
        return new ScramCredential(_hash, salt, SaslUserDatabase.DefaultIterations, [], []);
    }

    private static readonly byte[] DecoyKey = RandomNumberGenerator.GetBytes(32);
}
