using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl.Server;

/// <summary>
/// SCRAM's stored form of one password for one hash (RFC 5802 section 5.1): salt, iteration count, StoredKey and
/// ServerKey. Enough to verify a SCRAM proof, or a PLAIN password by recomputing StoredKey, but not to log in
/// as the user with SCRAM elsewhere without first cracking the password.
/// </summary>
/// <param name="Hash">SHA-256 or SHA-1.</param>
/// <param name="Salt">Random salt.</param>
/// <param name="Iterations">PBKDF2 iteration count.</param>
/// <param name="StoredKey">H(HMAC(SaltedPassword, "Client Key")).</param>
/// <param name="ServerKey">HMAC(SaltedPassword, "Server Key").</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "SCRAM-SHA-1 is defined with SHA-1.")]
public sealed record ScramCredential(HashAlgorithmName Hash, byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>Derives the stored form of <paramref name="password"/>.</summary>
    public static ScramCredential FromPassword(HashAlgorithmName hash, string password, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        byte[] salted = SaltPassword(hash, password, salt, iterations);
        byte[] clientKey = Hmac(hash, salted, "Client Key"u8);
        return new ScramCredential(hash, salt, iterations, HashData(hash, clientKey), Hmac(hash, salted, "Server Key"u8));
    }

    /// <summary>Whether <paramref name="password"/> is the one this credential was derived from (constant time in the key comparison).</summary>
    public bool Verify(string password)
    {
        byte[] salted = SaltPassword(Hash, password, Salt, Iterations);
        return CryptographicOperations.FixedTimeEquals(HashData(Hash, Hmac(Hash, salted, "Client Key"u8)), StoredKey);
    }

    internal static byte[] SaltPassword(HashAlgorithmName hash, string password, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, iterations, hash, HashLength(hash));

    internal static int HashLength(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA1 ? 20 : 32;

    internal static byte[] Hmac(HashAlgorithmName hash, byte[] key, ReadOnlySpan<byte> data)
        => hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);

    internal static byte[] HashData(HashAlgorithmName hash, byte[] data)
        => hash == HashAlgorithmName.SHA1 ? SHA1.HashData(data) : SHA256.HashData(data);
}

/// <summary>
/// One user of a <see cref="SaslUserDatabase"/>: the secrets each mechanism needs, never the password itself.
/// </summary>
/// <param name="Name">The user name (authentication identity).</param>
/// <param name="ScramSha256">For SCRAM-SHA-256 and PLAIN.</param>
/// <param name="ScramSha1">For SCRAM-SHA-1 (and PLAIN when SHA-256 data is missing).</param>
/// <param name="DigestRealm">The realm <see cref="DigestHash"/> was computed for.</param>
/// <param name="DigestHash">
/// MD5(user ":" realm ":" password) for DIGEST-MD5. This is password-equivalent for DIGEST-MD5 in that realm
/// (whoever reads it can log in with DIGEST-MD5 without knowing the password) and, being one unsalted MD5, cheap
/// to attack offline; the file must therefore stay private, and users who never use DIGEST-MD5 can go without it.
/// </param>
public sealed record SaslUser(string Name, ScramCredential? ScramSha256, ScramCredential? ScramSha1, string? DigestRealm, byte[]? DigestHash);
