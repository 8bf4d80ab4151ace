using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client.Admin;

/// <summary>One server of a daemon (virAdmServer): its worker pool, its clients and their limits.</summary>
public sealed class AdminServer
{
    internal AdminServer(LibvirtAdminConnection connection, string name)
    {
        Connection = connection;
        Name = name;
    }

    /// <summary>The admin connection this server was found on.</summary>
    public LibvirtAdminConnection Connection { get; }

    /// <summary>The server's name, e.g. <c>libvirtd</c> or <c>admin</c>.</summary>
    public string Name { get; }

    internal AdminNonnullServer Wire => new() { Name = Name };

    /// <summary>The worker pool's sizes and queue (names in <see cref="ThreadPoolParameters"/>).</summary>
    public async Task<IReadOnlyList<TypedParameter>> GetThreadPoolParametersAsync(CancellationToken cancellationToken = default)
        => TypedParameter.FromWire((await Connection.Calls.AdminServerGetThreadpoolParametersAsync(new AdminServerGetThreadpoolParametersArgs { Srv = Wire }, cancellationToken).ConfigureAwait(false)).Params);

    /// <summary>Changes the worker pool; only the min, max and priority worker counts can be set (as uint).</summary>
    public async Task SetThreadPoolParametersAsync(IEnumerable<TypedParameter> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await Connection.Calls.AdminServerSetThreadpoolParametersAsync(new AdminServerSetThreadpoolParametersArgs { Srv = Wire, Params = TypedParameter.ToAdminWire(parameters) }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The clients connected to this server now.</summary>
    public async Task<IReadOnlyList<AdminClient>> ListClientsAsync(CancellationToken cancellationToken = default)
    {
        AdminServerListClientsRet ret = await Connection.Calls.AdminServerListClientsAsync(new AdminServerListClientsArgs { Srv = Wire, NeedResults = 1 }, cancellationToken).ConfigureAwait(false);
        return Array.ConvertAll(ret.Clients ?? [], c => new AdminClient(this, c));
    }

    /// <summary>A client by its id.</summary>
    /// <exception cref="LibvirtException">No such client (VIR_ERR_NO_CLIENT).</exception>
    public async Task<AdminClient> LookupClientAsync(ulong id, CancellationToken cancellationToken = default)
        => new AdminClient(this, (await Connection.Calls.AdminServerLookupClientAsync(new AdminServerLookupClientArgs { Srv = Wire, Id = id }, cancellationToken).ConfigureAwait(false)).Clnt);

    /// <summary>The client limits and counts (names in <see cref="ClientLimitParameters"/>).</summary>
    public async Task<IReadOnlyList<TypedParameter>> GetClientLimitsAsync(CancellationToken cancellationToken = default)
        => TypedParameter.FromWire((await Connection.Calls.AdminServerGetClientLimitsAsync(new AdminServerGetClientLimitsArgs { Srv = Wire }, cancellationToken).ConfigureAwait(false)).Params);

    /// <summary>Changes the client limits; only the two maxima can be set (as uint).</summary>
    public async Task SetClientLimitsAsync(IEnumerable<TypedParameter> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await Connection.Calls.AdminServerSetClientLimitsAsync(new AdminServerSetClientLimitsArgs { Srv = Wire, Params = TypedParameter.ToAdminWire(parameters) }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the server re-read its TLS certificate, key and CA files for new clients.</summary>
    public async Task UpdateTlsFilesAsync(CancellationToken cancellationToken = default)
        => await Connection.Calls.AdminServerUpdateTlsFilesAsync(new AdminServerUpdateTlsFilesArgs { Srv = Wire }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
