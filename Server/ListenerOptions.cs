namespace LibvirtRemote.Server;

/// <summary>How clients of one listener must authenticate (libvirtd's <c>auth_*</c> settings).</summary>
public enum ServerAuth
{
    /// <summary>No authentication (<c>none</c>).</summary>
    None,

    /// <summary>SASL (<c>sasl</c>).</summary>
    Sasl,

    /// <summary>polkit (<c>polkit</c>), Unix sockets only; served by a local rule when no polkit daemon is used.</summary>
    Polkit,
}

/// <summary>Settings that differ between listeners: authentication and read-only access.</summary>
public sealed record ListenerOptions
{
    /// <summary>Authentication demanded before any call other than the authentication calls.</summary>
    public ServerAuth Auth { get; init; } = ServerAuth.None;

    /// <summary>Whether every client of this listener is read-only (libvirtd's <c>-sock-ro</c> socket).</summary>
    public bool ReadOnly { get; init; }
}
