using LibvirtRemote.Transport.Sasl.Server;

namespace LibvirtRemote.Server;

/// <summary>The server's SASL settings, used on listeners whose <see cref="ListenerOptions.Auth"/> is SASL.</summary>
public sealed record SaslServerOptions
{
    /// <summary>Who may log in, with salted and hashed secrets (no clear-text passwords at rest).</summary>
    public required SaslUserDatabase Users { get; init; }

    /// <summary>Mechanisms offered, in order (Cyrus SASL's <c>mech_list</c>); null offers all that fit the channel.</summary>
    public IReadOnlyList<string>? Mechanisms { get; init; }

    /// <summary>fnmatch patterns of user names allowed in (libvirtd's <c>sasl_allowed_username_list</c>); null allows every authenticated user.</summary>
    public IReadOnlyList<string>? AllowedUserNames { get; init; }

    /// <summary>Least security-layer strength demanded on plain TCP (libvirtd's <c>tcp_min_ssf</c>, at least 56).</summary>
    public int TcpMinSsf { get; init; } = 56;
}
