using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>Volume type and sizes, as <c>virStorageVolGetInfo</c> reports them.</summary>
/// <param name="Type">virStorageVolType: 0 file, 1 block, 2 dir, 3 network, 4 netdir, 5 ploop.</param>
/// <param name="Capacity">Logical size in bytes.</param>
/// <param name="Allocation">Bytes actually allocated.</param>
public sealed record StorageVolumeInfo(int Type, ulong Capacity, ulong Allocation);

/// <summary>A storage volume, as <c>virStorageVolPtr</c>.</summary>
public sealed class StorageVolume : LibvirtObject
{
    internal StorageVolume(LibvirtConnection connection, NonnullStorageVol wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullStorageVol Wire { get; }

    /// <summary>Name of the pool holding the volume.</summary>
    public string PoolName => Wire.Pool;

    /// <summary>Name.</summary>
    public string Name => Wire.Name;

    /// <summary>Key (usually the path).</summary>
    public string Key => Wire.Key;

    /// <summary>Type and sizes (virStorageVolGetInfo).</summary>
    public async Task<StorageVolumeInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        StorageVolGetInfoRet info = await Call<StorageVolGetInfoArgs, StorageVolGetInfoRet>(Procedure.StorageVolGetInfo, new() { Vol = Wire }, cancellationToken).ConfigureAwait(false);
        return new StorageVolumeInfo(info.Type, info.Capacity, info.Allocation);
    }

    /// <summary>The volume XML (virStorageVolGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<StorageVolGetXmlDescArgs, StorageVolGetXmlDescRet>(Procedure.StorageVolGetXmlDesc, new() { Vol = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <summary>Path of the volume on the host (virStorageVolGetPath).</summary>
    public async Task<string> GetPathAsync(CancellationToken cancellationToken = default)
        => (await Call<StorageVolGetPathArgs, StorageVolGetPathRet>(Procedure.StorageVolGetPath, new() { Vol = Wire }, cancellationToken).ConfigureAwait(false)).Name;

    /// <summary>Deletes the volume (virStorageVolDelete).</summary>
    public Task DeleteAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.StorageVolDelete, new StorageVolDeleteArgs { Vol = Wire, Flags = flags }, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
