using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>A domain (virtual machine), as <c>virDomainPtr</c>.</summary>
public sealed class Domain : LibvirtObject
{
    // VIR_TYPED_PARAM_STRING_OKAY: libvirt's library adds it to typed-parameter getters so servers may return strings.
    private const uint StringValuesAllowed = 4;

    internal Domain(LibvirtConnection connection, NonnullDomain wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference sent in calls.</summary>
    public NonnullDomain Wire { get; }

    /// <summary>Name.</summary>
    public string Name => Wire.Name;

    /// <summary>UUID.</summary>
    public Guid Uuid => ToGuid(Wire.Uuid);

    /// <summary>Id while running, -1 otherwise (as the server reported it when this object was obtained).</summary>
    public int Id => Wire.Id;

    /// <summary>The wire reference, so a <see cref="Domain"/> can be passed where generated calls want one.</summary>
    public static implicit operator NonnullDomain(Domain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return domain.Wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullDomain ToNonnullDomain() => Wire;

    /// <summary>State, memory, CPUs and CPU time (virDomainGetInfo).</summary>
    public async Task<DomainInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        DomainGetInfoRet info = await Call<DomainGetInfoArgs, DomainGetInfoRet>(Procedure.DomainGetInfo, new() { Dom = Wire }, cancellationToken).ConfigureAwait(false);
        return new DomainInfo((DomainState)info.State, info.MaxMem, info.Memory, info.NrVirtCpu, info.CpuTime);
    }

    /// <summary>State and reason (virDomainGetState).</summary>
    public async Task<(DomainState State, int Reason)> GetStateAsync(CancellationToken cancellationToken = default)
    {
        DomainGetStateRet state = await Call<DomainGetStateArgs, DomainGetStateRet>(Procedure.DomainGetState, new() { Dom = Wire }, cancellationToken).ConfigureAwait(false);
        return ((DomainState)state.State, state.Reason);
    }

    /// <summary>The domain XML (virDomainGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<DomainGetXmlDescArgs, DomainGetXmlDescRet>(Procedure.DomainGetXmlDesc, new() { Dom = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <summary>Starts a defined domain (virDomainCreateWithFlags).</summary>
    public async Task CreateAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => await Call<DomainCreateWithFlagsArgs, DomainCreateWithFlagsRet>(Procedure.DomainCreateWithFlags, new() { Dom = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false);

    /// <summary>Pauses the domain (virDomainSuspend).</summary>
    public Task SuspendAsync(CancellationToken cancellationToken = default)
        => Call(Procedure.DomainSuspend, new DomainSuspendArgs { Dom = Wire }, cancellationToken);

    /// <summary>Resumes a paused domain (virDomainResume).</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
        => Call(Procedure.DomainResume, new DomainResumeArgs { Dom = Wire }, cancellationToken);

    /// <summary>Asks the guest to shut down (virDomainShutdownFlags).</summary>
    public Task ShutdownAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainShutdownFlags, new DomainShutdownFlagsArgs { Dom = Wire, Flags = flags }, cancellationToken);

    /// <summary>Reboots the domain (virDomainReboot).</summary>
    public Task RebootAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainReboot, new DomainRebootArgs { Dom = Wire, Flags = flags }, cancellationToken);

    /// <summary>Stops the domain at once (virDomainDestroyFlags).</summary>
    public Task DestroyAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainDestroyFlags, new DomainDestroyFlagsArgs { Dom = Wire, Flags = flags }, cancellationToken);

    /// <summary>Removes the domain's persistent definition (virDomainUndefineFlags).</summary>
    public Task UndefineAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainUndefineFlags, new DomainUndefineFlagsArgs { Dom = Wire, Flags = flags }, cancellationToken);

    /// <summary>Scheduler name and how many parameters it has (virDomainGetSchedulerType).</summary>
    public async Task<(string Type, int ParameterCount)> GetSchedulerTypeAsync(CancellationToken cancellationToken = default)
    {
        DomainGetSchedulerTypeRet ret = await Call<DomainGetSchedulerTypeArgs, DomainGetSchedulerTypeRet>(Procedure.DomainGetSchedulerType, new() { Dom = Wire }, cancellationToken).ConfigureAwait(false);
        return (ret.Type, ret.Nparams);
    }

    /// <summary>
    /// Scheduler parameters: without flags as virDomainGetSchedulerParameters, with flags as
    /// virDomainGetSchedulerParametersFlags (which, like libvirt's library, also allows string values).
    /// </summary>
    public async Task<IReadOnlyList<TypedParameter>> GetSchedulerParametersAsync(uint flags = 0, CancellationToken cancellationToken = default)
    {
        (_, int count) = await GetSchedulerTypeAsync(cancellationToken).ConfigureAwait(false);
        if (flags == 0)
        {
            DomainGetSchedulerParametersRet plain = await Call<DomainGetSchedulerParametersArgs, DomainGetSchedulerParametersRet>(
                Procedure.DomainGetSchedulerParameters, new() { Dom = Wire, Nparams = count }, cancellationToken).ConfigureAwait(false);
            return TypedParameter.FromWire(plain.Params);
        }

        DomainGetSchedulerParametersFlagsRet ret = await Call<DomainGetSchedulerParametersFlagsArgs, DomainGetSchedulerParametersFlagsRet>(
            Procedure.DomainGetSchedulerParametersFlags, new() { Dom = Wire, Nparams = count, Flags = flags | StringValuesAllowed }, cancellationToken).ConfigureAwait(false);
        return TypedParameter.FromWire(ret.Params);
    }

    /// <summary>Changes scheduler parameters: without flags as virDomainSetSchedulerParameters, else virDomainSetSchedulerParametersFlags.</summary>
    public Task SetSchedulerParametersAsync(IEnumerable<TypedParameter> parameters, uint flags = 0, CancellationToken cancellationToken = default)
        => flags == 0
            ? Call(Procedure.DomainSetSchedulerParameters, new DomainSetSchedulerParametersArgs { Dom = Wire, Params = TypedParameter.ToWire(parameters) }, cancellationToken)
            : Call(Procedure.DomainSetSchedulerParametersFlags, new DomainSetSchedulerParametersFlagsArgs { Dom = Wire, Params = TypedParameter.ToWire(parameters), Flags = flags }, cancellationToken);

    /// <summary>Memory tuning parameters (virDomainGetMemoryParameters): asks for the count first, as libvirt's clients do.</summary>
    public async Task<IReadOnlyList<TypedParameter>> GetMemoryParametersAsync(uint flags = 0, CancellationToken cancellationToken = default)
    {
        DomainGetMemoryParametersRet count = await Call<DomainGetMemoryParametersArgs, DomainGetMemoryParametersRet>(
            Procedure.DomainGetMemoryParameters, new() { Dom = Wire, Nparams = 0, Flags = flags | StringValuesAllowed }, cancellationToken).ConfigureAwait(false);
        DomainGetMemoryParametersRet ret = await Call<DomainGetMemoryParametersArgs, DomainGetMemoryParametersRet>(
            Procedure.DomainGetMemoryParameters, new() { Dom = Wire, Nparams = count.Nparams, Flags = flags | StringValuesAllowed }, cancellationToken).ConfigureAwait(false);
        return TypedParameter.FromWire(ret.Params);
    }

    /// <summary>Changes memory tuning parameters (virDomainSetMemoryParameters).</summary>
    public Task SetMemoryParametersAsync(IEnumerable<TypedParameter> parameters, uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainSetMemoryParameters, new DomainSetMemoryParametersArgs { Dom = Wire, Params = TypedParameter.ToWire(parameters), Flags = flags }, cancellationToken);

    /// <summary>Block I/O tuning parameters (virDomainGetBlkioParameters).</summary>
    public async Task<IReadOnlyList<TypedParameter>> GetBlkioParametersAsync(uint flags = 0, CancellationToken cancellationToken = default)
    {
        DomainGetBlkioParametersRet count = await Call<DomainGetBlkioParametersArgs, DomainGetBlkioParametersRet>(
            Procedure.DomainGetBlkioParameters, new() { Dom = Wire, Nparams = 0, Flags = flags | StringValuesAllowed }, cancellationToken).ConfigureAwait(false);
        DomainGetBlkioParametersRet ret = await Call<DomainGetBlkioParametersArgs, DomainGetBlkioParametersRet>(
            Procedure.DomainGetBlkioParameters, new() { Dom = Wire, Nparams = count.Nparams, Flags = flags | StringValuesAllowed }, cancellationToken).ConfigureAwait(false);
        return TypedParameter.FromWire(ret.Params);
    }

    /// <summary>Changes block I/O tuning parameters (virDomainSetBlkioParameters).</summary>
    public Task SetBlkioParametersAsync(IEnumerable<TypedParameter> parameters, uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.DomainSetBlkioParameters, new DomainSetBlkioParametersArgs { Dom = Wire, Params = TypedParameter.ToWire(parameters), Flags = flags }, cancellationToken);

    /// <summary>Takes a snapshot described by XML (virDomainSnapshotCreateXML).</summary>
    public async Task<DomainSnapshot> CreateSnapshotAsync(string xml, uint flags = 0, CancellationToken cancellationToken = default)
    {
        DomainSnapshotCreateXmlRet ret = await Call<DomainSnapshotCreateXmlArgs, DomainSnapshotCreateXmlRet>(
            Procedure.DomainSnapshotCreateXml, new() { Dom = Wire, XmlDesc = xml, Flags = flags }, cancellationToken).ConfigureAwait(false);
        return new DomainSnapshot(Connection, ret.Snap);
    }

    /// <summary>All snapshots matching <paramref name="flags"/> (virDomainListAllSnapshots).</summary>
    public async Task<IReadOnlyList<DomainSnapshot>> ListAllSnapshotsAsync(uint flags = 0, CancellationToken cancellationToken = default)
    {
        DomainListAllSnapshotsRet ret = await Call<DomainListAllSnapshotsArgs, DomainListAllSnapshotsRet>(
            Procedure.DomainListAllSnapshots, new() { Dom = Wire, NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false);
        return Array.ConvertAll(ret.Snapshots, s => new DomainSnapshot(Connection, s));
    }

    /// <summary>A snapshot by name (virDomainSnapshotLookupByName).</summary>
    public async Task<DomainSnapshot> LookupSnapshotByNameAsync(string name, uint flags = 0, CancellationToken cancellationToken = default)
    {
        DomainSnapshotLookupByNameRet ret = await Call<DomainSnapshotLookupByNameArgs, DomainSnapshotLookupByNameRet>(
            Procedure.DomainSnapshotLookupByName, new() { Dom = Wire, Name = name, Flags = flags }, cancellationToken).ConfigureAwait(false);
        return new DomainSnapshot(Connection, ret.Snap);
    }

    /// <summary>Creates a checkpoint described by XML (virDomainCheckpointCreateXML).</summary>
    public async Task<DomainCheckpoint> CreateCheckpointAsync(string xml, uint flags = 0, CancellationToken cancellationToken = default)
    {
        DomainCheckpointCreateXmlRet ret = await Call<DomainCheckpointCreateXmlArgs, DomainCheckpointCreateXmlRet>(
            Procedure.DomainCheckpointCreateXml, new() { Dom = Wire, XmlDesc = xml, Flags = flags }, cancellationToken).ConfigureAwait(false);
        return new DomainCheckpoint(Connection, ret.Checkpoint);
    }

    /// <summary>All checkpoints matching <paramref name="flags"/> (virDomainListAllCheckpoints).</summary>
    public async Task<IReadOnlyList<DomainCheckpoint>> ListAllCheckpointsAsync(uint flags = 0, CancellationToken cancellationToken = default)
    {
        DomainListAllCheckpointsRet ret = await Call<DomainListAllCheckpointsArgs, DomainListAllCheckpointsRet>(
            Procedure.DomainListAllCheckpoints, new() { Dom = Wire, NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false);
        return Array.ConvertAll(ret.Checkpoints, c => new DomainCheckpoint(Connection, c));
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
