using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// SASL DIGEST-MD5 client (RFC 2831) with the security layer choice Cyrus SASL makes: among the protections
/// the server offers, the strongest whose strength lies within [<see cref="MinSsf"/>, <see cref="MaxSsf"/>] —
/// a cipher (qop auth-conf), else integrity (auth-int, strength 1), else none (auth) when 0 is acceptable.
/// libvirt's client asks for at least 56 bits on plain TCP, where libvirtd insists on the layer.
/// The server's <c>rspauth</c> is verified before <see cref="IsComplete"/> turns true.
/// </summary>
public sealed class DigestMd5Mechanism : ISaslClientMechanism
{
    private readonly string _user;
    private readonly string _password;
    private readonly string _digestUri;
    private readonly string _authorizationId;
    private byte[]? _sessionKey;
    private string? _expectedRspAuth;
    private string? _qop;
    private string? _cipher;
    private int _serverMaxBuffer;
    private int _state;

    /// <summary>Creates the mechanism for <paramref name="service"/> (<c>libvirt</c>) on <paramref name="host"/> (the server's name as the client knows it).</summary>
    public DigestMd5Mechanism(string user, string password, string service, string host, string authorizationId = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(authorizationId);
        _user = user;
        _password = password;
        _digestUri = service + "/" + host;
        _authorizationId = authorizationId;
    }

    /// <summary>Least acceptable layer strength in bits (libvirt: 56 on plain TCP, 0 over TLS or Unix). Default 0.</summary>
    public int MinSsf { get; init; }

    /// <summary>Greatest wanted layer strength; 0 means no layer (libvirt on secure channels). Default: no limit.</summary>
    public int MaxSsf { get; init; } = int.MaxValue;

    /// <summary>Use this cipher if the server offers it and it meets <see cref="MinSsf"/>, instead of the strongest (tests, interop checks).</summary>
    public string? PreferredCipher { get; init; }

    /// <summary>The client nonce; random when null (set only to reproduce known exchanges).</summary>
    public string? ClientNonce { get; init; }

    /// <summary>The largest token this client accepts, advertised as <c>maxbuf</c> (libvirt uses 65536).</summary>
    public int MaxBuffer { get; init; } = DigestMd5.DefaultMaxBuffer;

    /// <inheritdoc/>
    public string Name => DigestMd5.MechanismName;

    /// <inheritdoc/>
    public bool IsComplete => _state == 3;

    /// <summary>The negotiated quality of protection (auth, auth-int, auth-conf) once the challenge is answered.</summary>
    public string? Qop => _qop;

    /// <summary>The negotiated cipher, when the quality of protection is auth-conf.</summary>
    public string? Cipher => _cipher;

    /// <inheritdoc/>
    public ISaslSecurityLayer? SecurityLayer { get; private set; }

    /// <inheritdoc/>
    public byte[]? InitialResponse()
    {
        if (_state != 0)
        {
            throw new InvalidOperationException("The DIGEST-MD5 exchange has already started");
        }

        // DIGEST-MD5 starts with the server's challenge.
        _state = 1;
        return null;
    }

    /// <inheritdoc/>
    public byte[] EvaluateChallenge(ReadOnlySpan<byte> challenge)
    {
        switch (_state)
        {
            case 1:
                return Respond(Encoding.UTF8.GetString(challenge));
            case 2:
                VerifyRspAuth(Encoding.UTF8.GetString(challenge));
                return [];
            default:
                throw new SaslException($"{Name}: unexpected server message in state {_state}");
        }
    }

    private byte[] Respond(string challengeText)
    {
        List<KeyValuePair<string, string>> challenge = DigestMd5Directives.Parse(challengeText, Name);
        string nonce = DigestMd5Directives.Single(challenge, "nonce", Name) ?? throw new SaslException($"{Name}: the challenge has no nonce");
        string algorithm = DigestMd5Directives.Single(challenge, "algorithm", Name) ?? throw new SaslException($"{Name}: the challenge has no algorithm");
        if (!algorithm.Equals("md5-sess", StringComparison.OrdinalIgnoreCase))
        {
            throw new SaslException($"{Name}: unsupported algorithm '{algorithm}'");
        }

        bool utf8 = DigestMd5Directives.Single(challenge, "charset", Name) is { } charset && charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        _serverMaxBuffer = DigestMd5.ParseMaxBuffer(DigestMd5Directives.Single(challenge, "maxbuf", Name), Name);
        string[] qops = (DigestMd5Directives.Single(challenge, "qop", Name) ?? "auth").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string[] ciphers = (DigestMd5Directives.Single(challenge, "cipher", Name) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        ChooseProtection(qops, ciphers);

        // Several realms may be offered; the first is the server's default, which is where users are normally kept.
        string? realm = challenge.FirstOrDefault(d => d.Key.Equals("realm", StringComparison.OrdinalIgnoreCase)).Value;
        string cnonce = ClientNonce ?? DigestMd5.NewNonce();
        const string NonceCount = "00000001";
        _sessionKey = DigestMd5.SessionKey(DigestMd5.UserHash(_user, realm ?? string.Empty, _password, utf8), nonce, cnonce, _authorizationId);
        string response = DigestMd5.ResponseValue(_sessionKey, nonce, NonceCount, cnonce, _qop!, _digestUri, authenticate: true);
        _expectedRspAuth = DigestMd5.ResponseValue(_sessionKey, nonce, NonceCount, cnonce, _qop!, _digestUri, authenticate: false);

        var builder = new StringBuilder();
        if (utf8)
        {
            DigestMd5Directives.AppendToken(builder, "charset", "utf-8");
        }

        DigestMd5Directives.AppendQuoted(builder, "username", _user);
        if (realm is not null)
        {
            DigestMd5Directives.AppendQuoted(builder, "realm", realm);
        }

        DigestMd5Directives.AppendQuoted(builder, "nonce", nonce);
        DigestMd5Directives.AppendQuoted(builder, "cnonce", cnonce);
        DigestMd5Directives.AppendToken(builder, "nc", NonceCount);
        DigestMd5Directives.AppendToken(builder, "qop", _qop!);
        if (_cipher is not null)
        {
            DigestMd5Directives.AppendToken(builder, "cipher", _cipher);
        }

        if (_qop != "auth")
        {
            DigestMd5Directives.AppendToken(builder, "maxbuf", MaxBuffer.ToString(CultureInfo.InvariantCulture));
        }

        DigestMd5Directives.AppendQuoted(builder, "digest-uri", _digestUri);
        DigestMd5Directives.AppendToken(builder, "response", response);
        if (_authorizationId.Length > 0)
        {
            DigestMd5Directives.AppendQuoted(builder, "authzid", _authorizationId);
        }

        _state = 2;
        return (utf8 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(builder.ToString());
    }

    private void ChooseProtection(string[] qops, string[] ciphers)
    {
        bool Offers(string qop) => qops.Contains(qop, StringComparer.OrdinalIgnoreCase);
        if (MaxSsf > 1 && Offers("auth-conf"))
        {
            DigestMd5Cipher? best = null;
            foreach (DigestMd5Cipher cipher in DigestMd5.Ciphers)
            {
                if (cipher.Ssf < MinSsf || cipher.Ssf > MaxSsf || !ciphers.Contains(cipher.Name, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (PreferredCipher is not null && cipher.Name.Equals(PreferredCipher, StringComparison.OrdinalIgnoreCase))
                {
                    best = cipher;
                    break;
                }

                if (best is null || cipher.Ssf > best.Ssf)
                {
                    best = cipher;
                }
            }

            if (best is not null)
            {
                _qop = "auth-conf";
                _cipher = best.Name;
                return;
            }
        }

        if (MaxSsf >= 1 && MinSsf <= 1 && Offers("auth-int"))
        {
            _qop = "auth-int";
        }
        else if (MinSsf <= 0 && Offers("auth"))
        {
            _qop = "auth";
        }
        else
        {
            throw new SaslException($"{Name}: the server offers no protection of at least {MinSsf} bits (qop {string.Join(",", qops)}; ciphers {string.Join(",", ciphers)})");
        }
    }

    private void VerifyRspAuth(string message)
    {
        List<KeyValuePair<string, string>> directives = DigestMd5Directives.Parse(message, Name);
        string rspauth = DigestMd5Directives.Single(directives, "rspauth", Name) ?? throw new SaslException($"{Name}: the server's final message has no rspauth");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(rspauth.ToLowerInvariant()), Encoding.ASCII.GetBytes(_expectedRspAuth!)))
        {
            throw new SaslException($"{Name}: the server's rspauth is wrong (the server does not know the password)");
        }

        if (_qop != "auth")
        {
            SecurityLayer = new DigestMd5SecurityLayer(_sessionKey, _cipher, isServer: false, _serverMaxBuffer, MaxBuffer);
        }

        _state = 3;
    }
}
