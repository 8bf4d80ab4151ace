using LibvirtRemote.Server.Config;

namespace LibvirtRemote.Server;

/// <summary>Settings that differ between listeners: authentication and read-only access.</summary>
public sealed record ListenerOptions
{
    /// <summary>Authentication demanded before any call other than the authentication calls.</summary>
    public ServerAuth Auth { get; init; } = ServerAuth.None;

    /// <summary>Whether every client of this listener is read-only (libvirtd's <c>-sock-ro</c> socket).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// Whether this is the admin socket: it serves only the admin program, and its clients belong to the "admin"
    /// server (as libvirtd's <c>libvirt-admin-sock</c>).
    /// </summary>
    public bool Admin { get; init; }
}
