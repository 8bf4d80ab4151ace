using System.Security.Cryptography;

namespace LibvirtRemote.Transport.Sasl.Server;

/// <summary>Creates server mechanisms by name, and lists those fit for a channel.</summary>
public static class SaslServerMechanisms
{
    /// <summary>Every mechanism this library serves, strongest first.</summary>
    public static IReadOnlyList<string> All { get; } = ["SCRAM-SHA-256", "SCRAM-SHA-1", "DIGEST-MD5", "PLAIN"];

    /// <summary>
    /// The mechanisms to offer (AUTH_SASL_INIT's list): on a secure channel (TLS, Unix) all of them; on plain TCP
    /// only DIGEST-MD5, the one with a security layer, as libvirtd does.
    /// </summary>
    public static IReadOnlyList<string> Offered(bool secureChannel) => secureChannel ? All : ["DIGEST-MD5"];

    /// <summary>
    /// A fresh mechanism for one exchange, or null for a name this library does not serve (names are case-sensitive).
    /// <paramref name="minSsf"/> is the least layer strength required (56 on plain TCP, 0 on secure channels).
    /// </summary>
    public static ISaslServerMechanism? Create(string name, SaslUserDatabase users, int minSsf = 0, string service = "libvirt")
        => name switch
        {
            "SCRAM-SHA-256" when minSsf <= 0 => new ScramServerMechanism(HashAlgorithmName.SHA256, users),
            "SCRAM-SHA-1" when minSsf <= 0 => new ScramServerMechanism(HashAlgorithmName.SHA1, users),
            "PLAIN" when minSsf <= 0 => new PlainServerMechanism(users),
            "DIGEST-MD5" => new DigestMd5ServerMechanism(users, service) { MinSsf = minSsf, MaxSsf = minSsf > 0 ? 100000 : 0 },
            _ => null,
        };
}
