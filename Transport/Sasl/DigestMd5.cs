using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>The computations of DIGEST-MD5 (RFC 2831) that its client and server sides share.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "DIGEST-MD5 is defined with MD5; it is used because libvirtd demands it on plain TCP.")]
internal static class DigestMd5
{
    public const string MechanismName = "DIGEST-MD5";

    /// <summary>The largest buffer libvirt asks Cyrus SASL for, and what this side advertises.</summary>
    public const int DefaultMaxBuffer = 65536;

    /// <summary>The confidentiality ciphers, with their strength as Cyrus SASL counts it and how much of H(A1) keys them.</summary>
    public static readonly DigestMd5Cipher[] Ciphers =
    [
        new("rc4-40", 40, 5),
        new("rc4-56", 56, 7),
        new("des", 55, 16),
        new("3des", 112, 16),
        new("rc4", 128, 16),
    ];

    public static DigestMd5Cipher? FindCipher(string name)
        => Array.Find(Ciphers, c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>H({user, ":", realm, ":", password}): what a server must know instead of the password.</summary>
    public static byte[] UserHash(string user, string realm, string password, bool utf8)
    {
        Encoding encoding = utf8 ? Encoding.UTF8 : Encoding.Latin1;
        return MD5.HashData(encoding.GetBytes(user + ":" + realm + ":" + password));
    }

    /// <summary>H(A1), the session key: H({H(user:realm:password), ":", nonce, ":", cnonce [, ":", authzid]}).</summary>
    public static byte[] SessionKey(ReadOnlySpan<byte> userHash, string nonce, string cnonce, string? authorizationId)
    {
        string tail = ":" + nonce + ":" + cnonce + (string.IsNullOrEmpty(authorizationId) ? string.Empty : ":" + authorizationId);
        byte[] a1 = new byte[userHash.Length + Encoding.UTF8.GetByteCount(tail)];
        userHash.CopyTo(a1);
        Encoding.UTF8.GetBytes(tail, a1.AsSpan(userHash.Length));
        return MD5.HashData(a1);
    }

    /// <summary>
    /// The <c>response</c> value (<paramref name="authenticate"/> true) or the server's <c>rspauth</c> value (false),
    /// which differ only in A2's method prefix.
    /// </summary>
    public static string ResponseValue(byte[] sessionKey, string nonce, string nonceCount, string cnonce, string qop, string digestUri, bool authenticate)
    {
        string a2 = (authenticate ? "AUTHENTICATE:" : ":") + digestUri
            + (qop.Equals("auth", StringComparison.OrdinalIgnoreCase) ? string.Empty : ":00000000000000000000000000000000");
        string kd = Hex(sessionKey) + ":" + nonce + ":" + nonceCount + ":" + cnonce + ":" + qop + ":" + Hex(MD5.HashData(Encoding.UTF8.GetBytes(a2)));
        return Hex(MD5.HashData(Encoding.UTF8.GetBytes(kd)));
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static int ParseMaxBuffer(string? value, string mechanism)
    {
        if (value is null)
        {
            return DefaultMaxBuffer;
        }

        // RFC 2831: at least 17 (room for the MAC), and the length prefix caps it at 16 MiB.
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int maxBuffer) || maxBuffer <= 16 || maxBuffer > 0xFFFFFF)
        {
            throw new SaslException($"{mechanism}: invalid maxbuf '{value}'");
        }

        return maxBuffer;
    }

    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}

/// <summary>One DIGEST-MD5 confidentiality cipher: name, SASL strength in bits, and how many bytes of H(A1) key it.</summary>
internal sealed record DigestMd5Cipher(string Name, int Ssf, int KeyBytes);
