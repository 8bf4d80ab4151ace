using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>A host network interface, as <c>virInterfacePtr</c>.</summary>
public sealed class Interface : LibvirtObject
{
    internal Interface(LibvirtConnection connection, NonnullInterface wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullInterface Wire { get; }

    /// <summary>Name (e.g. eth0).</summary>
    public string Name => Wire.Name;

    /// <summary>MAC address.</summary>
    public string MacAddress => Wire.Mac;

    /// <summary>The interface XML (virInterfaceGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<InterfaceGetXmlDescArgs, InterfaceGetXmlDescRet>(Procedure.InterfaceGetXmlDesc, new() { Iface = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A host device, as <c>virNodeDevicePtr</c>.</summary>
public sealed class NodeDevice : LibvirtObject
{
    internal NodeDevice(LibvirtConnection connection, NonnullNodeDevice wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullNodeDevice Wire { get; }

    /// <summary>Name.</summary>
    public string Name => Wire.Name;

    /// <summary>The device XML (virNodeDeviceGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<NodeDeviceGetXmlDescArgs, NodeDeviceGetXmlDescRet>(Procedure.NodeDeviceGetXmlDesc, new() { Name = Wire.Name, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A secret, as <c>virSecretPtr</c>.</summary>
public sealed class Secret : LibvirtObject
{
    internal Secret(LibvirtConnection connection, NonnullSecret wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullSecret Wire { get; }

    /// <summary>UUID.</summary>
    public Guid Uuid => ToGuid(Wire.Uuid);

    /// <summary>virSecretUsageType (0 none, 1 volume, 2 ceph, 3 iscsi, 4 tls, 5 vtpm).</summary>
    public int UsageType => Wire.UsageType;

    /// <summary>What the secret is used for.</summary>
    public string UsageId => Wire.UsageID;

    /// <summary>The secret XML (virSecretGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<SecretGetXmlDescArgs, SecretGetXmlDescRet>(Procedure.SecretGetXmlDesc, new() { Secret = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <summary>The secret value (virSecretGetValue); refused on read-only connections.</summary>
    public async Task<byte[]> GetValueAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<SecretGetValueArgs, SecretGetValueRet>(Procedure.SecretGetValue, new() { Secret = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Sets the secret value (virSecretSetValue).</summary>
    public Task SetValueAsync(byte[] value, uint flags = 0, CancellationToken cancellationToken = default)
        => Call(Procedure.SecretSetValue, new SecretSetValueArgs { Secret = Wire, Value = value, Flags = flags }, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => UsageId;
}

/// <summary>A network filter, as <c>virNWFilterPtr</c>.</summary>
public sealed class NwFilter : LibvirtObject
{
    internal NwFilter(LibvirtConnection connection, NonnullNwfilter wire)
        : base(connection)
    {
        Wire = wire;
    }

    /// <summary>The wire reference.</summary>
    public NonnullNwfilter Wire { get; }

    /// <summary>Name.</summary>
    public string Name => Wire.Name;

    /// <summary>UUID.</summary>
    public Guid Uuid => ToGuid(Wire.Uuid);

    /// <summary>The filter XML (virNWFilterGetXMLDesc).</summary>
    public async Task<string> GetXmlDescAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => (await Call<NwfilterGetXmlDescArgs, NwfilterGetXmlDescRet>(Procedure.NwfilterGetXmlDesc, new() { Nwfilter = Wire, Flags = flags }, cancellationToken).ConfigureAwait(false)).Xml;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
