using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// The chain policy handed to SslStream on either side: trust the configured CA file only and check no revocation,
/// so no handshake walks the system trust store (libvirt trusts only its CA file; our own checks decide).
/// </summary>
public static class CaOnlyChainPolicy
{
    /// <summary>A policy whose only roots are <paramref name="trusted"/>.</summary>
    public static X509ChainPolicy For(X509Certificate2Collection trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(trusted);
        return policy;
    }
}
