using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>A domain snapshot, as <c>virDomainSnapshotPtr</c>.</summary>
public sealed class DomainSnapshot : LibvirtObject
{
    internal DomainSnapshot(LibvirtConnection connection, NonnullDomainSnapshot wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullDomainSnapshot Wire { get; }

    /// <summary>Snapshot name.</summary>
    public string Name => Wire.Name;

    /// <summary>Name of the domain the snapshot belongs to.</summary>
    public string DomainName => Wire.Dom.Name;

    /// <summary>The snapshot XML (virDomainSnapshotGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<DomainSnapshotGetXmlDescArgs, DomainSnapshotGetXmlDescRet>(Procedure.DomainSnapshotGetXmlDesc, new() { Snap = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <summary>Deletes the snapshot (virDomainSnapshotDelete).</summary>
    public Task DeleteAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainSnapshotDelete, new DomainSnapshotDeleteArgs { Snap = Wire, Flags = flags }, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A domain checkpoint, as <c>virDomainCheckpointPtr</c>.</summary>
public sealed class DomainCheckpoint : LibvirtObject
{
    internal DomainCheckpoint(LibvirtConnection connection, NonnullDomainCheckpoint wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullDomainCheckpoint Wire { get; }

    /// <summary>Checkpoint name.</summary>
    public string Name => Wire.Name;

    /// <summary>The checkpoint XML (virDomainCheckpointGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<DomainCheckpointGetXmlDescArgs, DomainCheckpointGetXmlDescRet>(Procedure.DomainCheckpointGetXmlDesc, new() { Checkpoint = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <summary>Deletes the checkpoint (virDomainCheckpointDelete).</summary>
    public Task DeleteAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainCheckpointDelete, new DomainCheckpointDeleteArgs { Checkpoint = Wire, Flags = flags }, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
