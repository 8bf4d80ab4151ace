using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>Pool state and sizes, as <c>virStoragePoolGetInfo</c> reports them.</summary>
/// <param name="State">virStoragePoolState: 0 inactive, 1 building, 2 running, 3 degraded, 4 inaccessible.</param>
/// <param name="Capacity">Bytes.</param>
/// <param name="Allocation">Bytes.</param>
/// <param name="Available">Bytes.</param>
public sealed record StoragePoolInfo(int State, ulong Capacity, ulong Allocation, ulong Available);

/// <summary>A storage pool, as <c>virStoragePoolPtr</c>.</summary>
public sealed class StoragePool : LibvirtObject
{
    internal StoragePool(LibvirtConnection connection, NonnullStoragePool wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullStoragePool Wire { get; }

    /// <summary>Name.</summary>
    public string Name => Wire.Name;

    /// <summary>UUID.</summary>
    public Guid Uuid => ToGuid(Wire.Uuid);

    /// <summary>State and sizes (virStoragePoolGetInfo).</summary>
    public async Task<StoragePoolInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        StoragePoolGetInfoRet info = await Call<StoragePoolGetInfoArgs, StoragePoolGetInfoRet>(Procedure.StoragePoolGetInfo, new() { Pool = Wire }, cancellationToken).ConfigureAwait(false);
        return new StoragePoolInfo(info.State, info.Capacity, info.Allocation, info.Available);
    }

    /// <summary>The pool XML (virStoragePoolGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<StoragePoolGetXmlDescArgs, StoragePoolGetXmlDescRet>(Procedure.StoragePoolGetXmlDesc, new() { Pool = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <summary>Starts a defined pool (virStoragePoolCreate).</summary>
    public Task CreateAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.StoragePoolCreate, new StoragePoolCreateArgs { Pool = Wire, Flags = flags }, cancellationToken);

    /// <summary>Stops the pool (virStoragePoolDestroy).</summary>
    public Task DestroyAsync(CancellationToken cancellationToken = default)
        => Call(Procedure.StoragePoolDestroy, new StoragePoolDestroyArgs { Pool = Wire }, cancellationToken);

    /// <summary>Removes the persistent definition (virStoragePoolUndefine).</summary>
    public Task UndefineAsync(CancellationToken cancellationToken = default)
        => Call(Procedure.StoragePoolUndefine, new StoragePoolUndefineArgs { Pool = Wire }, cancellationToken);

    /// <summary>Rescans the pool's volumes (virStoragePoolRefresh).</summary>
    public Task RefreshAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.StoragePoolRefresh, new StoragePoolRefreshArgs { Pool = Wire, Flags = flags }, cancellationToken);

    /// <summary>All volumes of the pool (virStoragePoolListAllVolumes).</summary>
    public async Task<IReadOnlyList<StorageVolume>> ListAllVolumesAsync(uint flags = 0, CancellationToken cancellationToken = default)
    {
        StoragePoolListAllVolumesRet ret = await Call<StoragePoolListAllVolumesArgs, StoragePoolListAllVolumesRet>(
            Procedure.StoragePoolListAllVolumes, new() { Pool = Wire, NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false);
        return Array.ConvertAll(ret.Vols, v => new StorageVolume(Connection, v));
    }

    /// <summary>A volume of this pool by name (virStorageVolLookupByName).</summary>
    public async Task<StorageVolume> LookupVolumeByNameAsync(string name, CancellationToken cancellationToken = default)
        => new(Connection, (await Call<StorageVolLookupByNameArgs, StorageVolLookupByNameRet>(Procedure.StorageVolLookupByName, new() { Pool = Wire, Name = name }, cancellationToken).ConfigureAwait(false)).Vol);

    /// <summary>Creates a volume from XML (virStorageVolCreateXML).</summary>
    public async Task<StorageVolume> CreateVolumeAsync(string xml, uint flags = 0, CancellationToken cancellationToken = default)
        => new(Connection, (await Call<StorageVolCreateXmlArgs, StorageVolCreateXmlRet>(Procedure.StorageVolCreateXml, new() { Pool = Wire, Xml = xml, Flags = flags }, cancellationToken).ConfigureAwait(false)).Vol);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
