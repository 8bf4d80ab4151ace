using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl.Server;

/// <summary>
/// Server side of DIGEST-MD5 (RFC 2831) with its security layer, verifying against the MD5(user:realm:password)
/// the user database keeps. Offers the protections whose strength lies within [<see cref="MinSsf"/>,
/// <see cref="MaxSsf"/>]: on plain TCP a libvirt-compatible server sets MinSsf = 56, so only ciphers
/// (auth-conf with rc4, 3des, rc4-56) remain. Like Cyrus SASL, it checks the service part of digest-uri but not
/// the host part.
/// </summary>
public sealed class DigestMd5ServerMechanism : ISaslServerMechanism
{
    private const string NonceCount = "00000001";
    private readonly SaslUserDatabase _users;
    private readonly string _service;
    private string? _nonce;
    private List<string>? _offeredQops;
    private List<string>? _offeredCiphers;
    private int _state;

    /// <summary>Creates the mechanism for <paramref name="service"/> (libvirt: <c>libvirt</c>).</summary>
    public DigestMd5ServerMechanism(SaslUserDatabase users, string service = "libvirt")
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentException.ThrowIfNullOrEmpty(service);
        _users = users;
        _service = service;
    }

    /// <summary>Least acceptable layer strength (0: plain authentication allowed; 56: what libvirtd demands on TCP).</summary>
    public int MinSsf { get; init; }

    /// <summary>Greatest offered layer strength. Default: no limit.</summary>
    public int MaxSsf { get; init; } = int.MaxValue;

    /// <summary>The largest token this side accepts, advertised as <c>maxbuf</c>.</summary>
    public int MaxBuffer { get; init; } = DigestMd5.DefaultMaxBuffer;

    /// <summary>The nonce; random when null (set only to reproduce known exchanges).</summary>
    public string? Nonce { get; init; }

    /// <inheritdoc/>
    public string Name => DigestMd5.MechanismName;

    /// <inheritdoc/>
    public string? AuthenticatedUser { get; private set; }

    /// <inheritdoc/>
    public ISaslSecurityLayer? SecurityLayer { get; private set; }

    /// <summary>The quality of protection the client chose, after success.</summary>
    public string? Qop { get; private set; }

    /// <inheritdoc/>
    public SaslServerStep Step(byte[]? clientData)
    {
        try
        {
            switch (_state)
            {
                case 0 when clientData is null || clientData.Length == 0:
                    return Challenge();
                case 1 when clientData is not null:
                    return Verify(Encoding.UTF8.GetString(clientData));
                default:
                    return Finish(SaslServerStep.Fail($"{Name}: unexpected client message in state {_state}"));
            }
        }
        catch (Exception e) when (e is SaslException or FormatException)
        {
            return Finish(SaslServerStep.Fail(e.Message));
        }
    }

    private SaslServerStep Challenge()
    {
        _offeredQops = [];
        if (MinSsf <= 0)
        {
            _offeredQops.Add("auth");
        }

        if (MinSsf <= 1 && MaxSsf >= 1)
        {
            _offeredQops.Add("auth-int");
        }

        _offeredCiphers = [.. DigestMd5.Ciphers.Where(c => c.Ssf >= MinSsf && c.Ssf <= MaxSsf).Select(c => c.Name)];
        if (_offeredCiphers.Count > 0)
        {
            _offeredQops.Add("auth-conf");
        }

        if (_offeredQops.Count == 0)
        {
            return Finish(SaslServerStep.Fail($"{Name}: no protection within {MinSsf}..{MaxSsf} bits"));
        }

        _nonce = Nonce ?? DigestMd5.NewNonce();
        var builder = new StringBuilder();
        DigestMd5Directives.AppendQuoted(builder, "realm", _users.Realm);
        DigestMd5Directives.AppendQuoted(builder, "nonce", _nonce);
        DigestMd5Directives.AppendQuoted(builder, "qop", string.Join(",", _offeredQops));
        if (_offeredCiphers.Count > 0)
        {
            DigestMd5Directives.AppendQuoted(builder, "cipher", string.Join(",", _offeredCiphers));
        }

        DigestMd5Directives.AppendToken(builder, "maxbuf", MaxBuffer.ToString(CultureInfo.InvariantCulture));
        DigestMd5Directives.AppendToken(builder, "charset", "utf-8");
        DigestMd5Directives.AppendToken(builder, "algorithm", "md5-sess");
        _state = 1;
        return new SaslServerStep(SaslStepOutcome.Continue, Encoding.UTF8.GetBytes(builder.ToString()));
    }

    private SaslServerStep Verify(string responseText)
    {
        List<KeyValuePair<string, string>> response = DigestMd5Directives.Parse(responseText, Name);
        string? Get(string name) => DigestMd5Directives.Single(response, name, Name);
        string user = Get("username") ?? throw new SaslException($"{Name}: response without username");
        string realm = Get("realm") ?? _users.Realm;
        string nonce = Get("nonce") ?? throw new SaslException($"{Name}: response without nonce");
        string cnonce = Get("cnonce") ?? throw new SaslException($"{Name}: response without cnonce");
        string nonceCount = Get("nc") ?? throw new SaslException($"{Name}: response without nc");
        string qop = Get("qop") ?? "auth";
        string digestUri = Get("digest-uri") ?? throw new SaslException($"{Name}: response without digest-uri");
        string clientResponse = Get("response") ?? throw new SaslException($"{Name}: response without response value");
        string? authzid = Get("authzid");
        string? cipher = Get("cipher");
        if (nonce != _nonce || nonceCount != NonceCount)
        {
            return Finish(SaslServerStep.Fail($"{Name}: nonce or nonce count mismatch"));
        }

        if (!_offeredQops!.Contains(qop, StringComparer.Ordinal))
        {
            return Finish(SaslServerStep.Fail($"{Name}: qop '{qop}' was not offered"));
        }

        if (qop == "auth-conf" && (cipher is null || !_offeredCiphers!.Contains(cipher, StringComparer.OrdinalIgnoreCase)))
        {
            return Finish(SaslServerStep.Fail($"{Name}: cipher '{cipher}' was not offered"));
        }

        if (!digestUri.StartsWith(_service + "/", StringComparison.OrdinalIgnoreCase))
        {
            return Finish(SaslServerStep.Fail($"{Name}: digest-uri '{digestUri}' is not for service '{_service}'"));
        }

        if (!string.IsNullOrEmpty(authzid) && authzid != user)
        {
            return Finish(SaslServerStep.Fail($"{Name}: authorization identity other than the user is not supported"));
        }

        int clientMaxBuffer = DigestMd5.ParseMaxBuffer(Get("maxbuf"), Name);
        SaslUser? known = _users.Find(user);
        if (known?.DigestHash is null || known.DigestRealm != realm)
        {
            return Finish(SaslServerStep.Fail($"{Name}: unknown user '{user}' in realm '{realm}'"));
        }

        byte[] sessionKey = DigestMd5.SessionKey(known.DigestHash, nonce, cnonce, authzid);
        string expected = DigestMd5.ResponseValue(sessionKey, nonce, nonceCount, cnonce, qop, digestUri, authenticate: true);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(clientResponse.ToLowerInvariant())))
        {
            return Finish(SaslServerStep.Fail($"{Name}: wrong password for '{user}'"));
        }

        if (qop != "auth")
        {
            SecurityLayer = new DigestMd5SecurityLayer(sessionKey, qop == "auth-conf" ? cipher : null, isServer: true, clientMaxBuffer, MaxBuffer);
        }

        Qop = qop;
        AuthenticatedUser = user;
        _state = 2;
        string rspauth = DigestMd5.ResponseValue(sessionKey, nonce, nonceCount, cnonce, qop, digestUri, authenticate: false);
        return new SaslServerStep(SaslStepOutcome.Success, Encoding.UTF8.GetBytes("rspauth=" + rspauth));
    }

    private SaslServerStep Finish(SaslServerStep step)
    {
        _state = 3;
        return step;
    }
}
