using System.Security.Authentication;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// Maps a GnuTLS priority string (libvirt's <c>tls_priority</c>) to the protocol versions .NET may negotiate.
/// Only the version keywords have an equivalent: <c>-VERS-ALL</c>, <c>±VERS-TLS1.2</c>, <c>±VERS-TLS1.3</c>
/// (also <c>VERS-TLS-ALL</c>); base keywords (<c>NORMAL</c>, <c>SECURE128</c>, …) and cipher, MAC, group and
/// signature keywords are accepted and leave the choice to the system's defaults.
/// </summary>
public static class TlsPriority
{
    /// <summary>Protocol versions allowed by <paramref name="priority"/>; <see cref="SslProtocols.None"/> means the system default.</summary>
    /// <exception cref="ArgumentException">The string rules out both TLS 1.2 and TLS 1.3.</exception>
    public static SslProtocols ToProtocols(string? priority)
    {
        if (string.IsNullOrWhiteSpace(priority))
        {
            return SslProtocols.None;
        }

        const SslProtocols all = SslProtocols.Tls12 | SslProtocols.Tls13;
        SslProtocols allowed = all;
        bool versionsNamed = false;
        foreach (string token in priority.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            char sign = token[0];
            if (sign is not ('+' or '-' or '!'))
            {
                continue;
            }

            SslProtocols version = token[1..].ToUpperInvariant() switch
            {
                "VERS-ALL" or "VERS-TLS-ALL" => all,
                "VERS-TLS1.2" => SslProtocols.Tls12,
                "VERS-TLS1.3" => SslProtocols.Tls13,
                _ => SslProtocols.None,
            };
            if (version == SslProtocols.None)
            {
                continue;
            }

            versionsNamed = true;
            // Only TLS 1.2/1.3 bits are ever set here; the analyzer cannot see that through the complement.
#pragma warning disable CA5397
            allowed = sign == '+' ? allowed | version : allowed & ~version;
#pragma warning restore CA5397
        }

        if (allowed == SslProtocols.None)
        {
            throw new ArgumentException($"tls_priority '{priority}' allows neither TLS 1.2 nor TLS 1.3", nameof(priority));
        }

        return versionsNamed ? allowed : SslProtocols.None;
    }
}
