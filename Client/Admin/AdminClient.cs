using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client.Admin;

/// <summary>One client connected to a daemon's server (virAdmClient), as it was when listed or looked up.</summary>
public sealed class AdminClient
{
    private readonly AdminNonnullClient _wire;

    internal AdminClient(AdminServer server, AdminNonnullClient wire)
    {
        Server = server;
        _wire = wire;
    }

    /// <summary>The server the client is connected to.</summary>
    public AdminServer Server { get; }

    /// <summary>The daemon's id for the client, unique for the daemon's lifetime.</summary>
    public ulong Id => _wire.Id;

    /// <summary>When the client connected, in seconds since the Unix epoch.</summary>
    public long Timestamp => _wire.Timestamp;

    /// <summary>When the client connected.</summary>
    public DateTimeOffset ConnectedAt => DateTimeOffset.FromUnixTimeSeconds(_wire.Timestamp);

    /// <summary>How the client reached the daemon.</summary>
    public AdminClientTransport Transport => (AdminClientTransport)_wire.Transport;

    /// <summary>The client's identity: read-only flag, peer address or Unix credentials, SASL and TLS names (names in <see cref="ClientInfoParameters"/>).</summary>
    public async Task<IReadOnlyList<TypedParameter>> GetInfoAsync(CancellationToken cancellationToken = default)
        => TypedParameter.FromWire((await Server.Connection.Calls.AdminClientGetInfoAsync(new AdminClientGetInfoArgs { Clnt = _wire }, cancellationToken).ConfigureAwait(false)).Params);

    /// <summary>Disconnects the client.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
        => await Server.Connection.Calls.AdminClientCloseAsync(new AdminClientCloseArgs { Clnt = _wire }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override string ToString() => $"{Id} {Transport} {ConnectedAt:u}";
}
