using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>A virtual network, as <c>virNetworkPtr</c>.</summary>
public sealed class Network : LibvirtObject
{
    internal Network(LibvirtConnection connection, NonnullNetwork wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullNetwork Wire { get; }

    /// <summary>Name.</summary>
    public string Name => Wire.Name;

    /// <summary>UUID.</summary>
    public Guid Uuid => ToGuid(Wire.Uuid);

    /// <summary>The network XML (virNetworkGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<NetworkGetXmlDescArgs, NetworkGetXmlDescRet>(Procedure.NetworkGetXmlDesc, new() { Net = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <summary>Whether the network is running (virNetworkIsActive).</summary>
    public async Task<bool> IsActiveAsync(CancellationToken cancellationToken = default)
        => (await Call<NetworkIsActiveArgs, NetworkIsActiveRet>(Procedure.NetworkIsActive, new() { Net = Wire }, cancellationToken).ConfigureAwait(false)).Active != 0;

    /// <summary>Starts a defined network (virNetworkCreate).</summary>
    public Task CreateAsync(CancellationToken cancellationToken = default)
        => Call(Procedure.NetworkCreate, new NetworkCreateArgs { Net = Wire }, cancellationToken);

    /// <summary>Stops the network (virNetworkDestroy).</summary>
    public Task DestroyAsync(CancellationToken cancellationToken = default)
        => Call(Procedure.NetworkDestroy, new NetworkDestroyArgs { Net = Wire }, cancellationToken);

    /// <summary>Removes the persistent definition (virNetworkUndefine).</summary>
    public Task UndefineAsync(CancellationToken cancellationToken = default)
        => Call(Procedure.NetworkUndefine, new NetworkUndefineArgs { Net = Wire }, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
