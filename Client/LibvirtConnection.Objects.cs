using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client;

/// <summary>Connection-level calls that hand out objects of the object model, with libvirt's API names.</summary>
public sealed partial class LibvirtConnection
{
    /// <summary>The host's capabilities XML (virConnectGetCapabilities).</summary>
    public async Task<string> GetCapabilitiesAsync(CancellationToken cancellationToken = default)
        => (await CallAsync<XdrVoid, ConnectGetCapabilitiesRet>(Procedure.ConnectGetCapabilities, default, cancellationToken).ConfigureAwait(false)).Capabilities;

    /// <summary>Hypervisor driver name, e.g. "TEST" or "QEMU" (virConnectGetType).</summary>
    public async Task<string> GetTypeAsync(CancellationToken cancellationToken = default)
        => (await CallAsync<XdrVoid, ConnectGetTypeRet>(Procedure.ConnectGetType, default, cancellationToken).ConfigureAwait(false)).Type;

    /// <summary>Hypervisor version as major * 1,000,000 + minor * 1,000 + release (virConnectGetVersion).</summary>
    public async Task<ulong> GetVersionAsync(CancellationToken cancellationToken = default)
        => (await CallAsync<XdrVoid, ConnectGetVersionRet>(Procedure.ConnectGetVersion, default, cancellationToken).ConfigureAwait(false)).HvVer;

    /// <summary>The URI the server-side driver was opened with (virConnectGetURI).</summary>
    public async Task<string> GetUriAsync(CancellationToken cancellationToken = default)
        => (await CallAsync<XdrVoid, ConnectGetUriRet>(Procedure.ConnectGetUri, default, cancellationToken).ConfigureAwait(false)).Uri;

    /// <summary>Every domain matching <paramref name="flags"/> (virConnectListAllDomains).</summary>
    public async Task<IReadOnlyList<Domain>> ListAllDomainsAsync(uint flags = 0, CancellationToken cancellationToken = default)
    {
        ConnectListAllDomainsRet ret = await CallAsync<ConnectListAllDomainsArgs, ConnectListAllDomainsRet>(
            Procedure.ConnectListAllDomains, new() { NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false);
        return Array.ConvertAll(ret.Domains, d => new Domain(this, d));
    }

    /// <summary>A domain by name (virDomainLookupByName).</summary>
    public async Task<Domain> LookupDomainByNameAsync(string name, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<DomainLookupByNameArgs, DomainLookupByNameRet>(Procedure.DomainLookupByName, new() { Name = name }, cancellationToken).ConfigureAwait(false)).Dom);

    /// <summary>A domain by UUID (virDomainLookupByUUID).</summary>
    public async Task<Domain> LookupDomainByUuidAsync(Guid uuid, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<DomainLookupByUuidArgs, DomainLookupByUuidRet>(Procedure.DomainLookupByUuid, new() { Uuid = uuid.ToByteArray(bigEndian: true) }, cancellationToken).ConfigureAwait(false)).Dom);

    /// <summary>A running domain by id (virDomainLookupByID).</summary>
    public async Task<Domain> LookupDomainByIdAsync(int id, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<DomainLookupByIdArgs, DomainLookupByIdRet>(Procedure.DomainLookupById, new() { Id = id }, cancellationToken).ConfigureAwait(false)).Dom);

    /// <summary>Defines a persistent domain from XML (virDomainDefineXMLFlags).</summary>
    public async Task<Domain> DefineDomainXmlAsync(string xml, uint flags = 0, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<DomainDefineXmlFlagsArgs, DomainDefineXmlFlagsRet>(Procedure.DomainDefineXmlFlags, new() { Xml = xml, Flags = flags }, cancellationToken).ConfigureAwait(false)).Dom);

    /// <summary>Creates and starts a transient domain from XML (virDomainCreateXML).</summary>
    public async Task<Domain> CreateDomainXmlAsync(string xml, uint flags = 0, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<DomainCreateXmlArgs, DomainCreateXmlRet>(Procedure.DomainCreateXml, new() { XmlDesc = xml, Flags = flags }, cancellationToken).ConfigureAwait(false)).Dom);

    /// <summary>Every network matching <paramref name="flags"/> (virConnectListAllNetworks).</summary>
    public async Task<IReadOnlyList<Network>> ListAllNetworksAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Array.ConvertAll((await CallAsync<ConnectListAllNetworksArgs, ConnectListAllNetworksRet>(Procedure.ConnectListAllNetworks, new() { NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false)).Nets, n => new Network(this, n));

    /// <summary>A network by name (virNetworkLookupByName).</summary>
    public async Task<Network> LookupNetworkByNameAsync(string name, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<NetworkLookupByNameArgs, NetworkLookupByNameRet>(Procedure.NetworkLookupByName, new() { Name = name }, cancellationToken).ConfigureAwait(false)).Net);

    /// <summary>Defines a persistent network from XML (virNetworkDefineXML).</summary>
    public async Task<Network> DefineNetworkXmlAsync(string xml, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<NetworkDefineXmlArgs, NetworkDefineXmlRet>(Procedure.NetworkDefineXml, new() { Xml = xml }, cancellationToken).ConfigureAwait(false)).Net);

    /// <summary>Creates and starts a transient network from XML (virNetworkCreateXML).</summary>
    public async Task<Network> CreateNetworkXmlAsync(string xml, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<NetworkCreateXmlArgs, NetworkCreateXmlRet>(Procedure.NetworkCreateXml, new() { Xml = xml }, cancellationToken).ConfigureAwait(false)).Net);

    /// <summary>Every storage pool matching <paramref name="flags"/> (virConnectListAllStoragePools).</summary>
    public async Task<IReadOnlyList<StoragePool>> ListAllStoragePoolsAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Array.ConvertAll((await CallAsync<ConnectListAllStoragePoolsArgs, ConnectListAllStoragePoolsRet>(Procedure.ConnectListAllStoragePools, new() { NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false)).Pools, p => new StoragePool(this, p));

    /// <summary>A storage pool by name (virStoragePoolLookupByName).</summary>
    public async Task<StoragePool> LookupStoragePoolByNameAsync(string name, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<StoragePoolLookupByNameArgs, StoragePoolLookupByNameRet>(Procedure.StoragePoolLookupByName, new() { Name = name }, cancellationToken).ConfigureAwait(false)).Pool);

    /// <summary>Defines a persistent storage pool from XML (virStoragePoolDefineXML).</summary>
    public async Task<StoragePool> DefineStoragePoolXmlAsync(string xml, uint flags = 0, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<StoragePoolDefineXmlArgs, StoragePoolDefineXmlRet>(Procedure.StoragePoolDefineXml, new() { Xml = xml, Flags = flags }, cancellationToken).ConfigureAwait(false)).Pool);

    /// <summary>Every host interface matching <paramref name="flags"/> (virConnectListAllInterfaces).</summary>
    public async Task<IReadOnlyList<Interface>> ListAllInterfacesAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Array.ConvertAll((await CallAsync<ConnectListAllInterfacesArgs, ConnectListAllInterfacesRet>(Procedure.ConnectListAllInterfaces, new() { NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false)).Ifaces, i => new Interface(this, i));

    /// <summary>A host interface by name (virInterfaceLookupByName).</summary>
    public async Task<Interface> LookupInterfaceByNameAsync(string name, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<InterfaceLookupByNameArgs, InterfaceLookupByNameRet>(Procedure.InterfaceLookupByName, new() { Name = name }, cancellationToken).ConfigureAwait(false)).Iface);

    /// <summary>Every host device matching <paramref name="flags"/> (virConnectListAllNodeDevices).</summary>
    public async Task<IReadOnlyList<NodeDevice>> ListAllNodeDevicesAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Array.ConvertAll((await CallAsync<ConnectListAllNodeDevicesArgs, ConnectListAllNodeDevicesRet>(Procedure.ConnectListAllNodeDevices, new() { NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false)).Devices, d => new NodeDevice(this, d));

    /// <summary>A host device by name (virNodeDeviceLookupByName).</summary>
    public async Task<NodeDevice> LookupNodeDeviceByNameAsync(string name, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<NodeDeviceLookupByNameArgs, NodeDeviceLookupByNameRet>(Procedure.NodeDeviceLookupByName, new() { Name = name }, cancellationToken).ConfigureAwait(false)).Dev);

    /// <summary>Every secret matching <paramref name="flags"/> (virConnectListAllSecrets).</summary>
    public async Task<IReadOnlyList<Secret>> ListAllSecretsAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Array.ConvertAll((await CallAsync<ConnectListAllSecretsArgs, ConnectListAllSecretsRet>(Procedure.ConnectListAllSecrets, new() { NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false)).Secrets, s => new Secret(this, s));

    /// <summary>Defines a secret from XML (virSecretDefineXML).</summary>
    public async Task<Secret> DefineSecretXmlAsync(string xml, uint flags = 0, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<SecretDefineXmlArgs, SecretDefineXmlRet>(Procedure.SecretDefineXml, new() { Xml = xml, Flags = flags }, cancellationToken).ConfigureAwait(false)).Secret);

    /// <summary>A secret by UUID (virSecretLookupByUUID).</summary>
    public async Task<Secret> LookupSecretByUuidAsync(Guid uuid, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<SecretLookupByUuidArgs, SecretLookupByUuidRet>(Procedure.SecretLookupByUuid, new() { Uuid = uuid.ToByteArray(bigEndian: true) }, cancellationToken).ConfigureAwait(false)).Secret);

    /// <summary>Every network filter (virConnectListAllNWFilters).</summary>
    public async Task<IReadOnlyList<NwFilter>> ListAllNwFiltersAsync(uint flags = 0, CancellationToken cancellationToken = default)
        => Array.ConvertAll((await CallAsync<ConnectListAllNwfiltersArgs, ConnectListAllNwfiltersRet>(Procedure.ConnectListAllNwfilters, new() { NeedResults = 1, Flags = flags }, cancellationToken).ConfigureAwait(false)).Filters, f => new NwFilter(this, f));

    /// <summary>A network filter by name (virNWFilterLookupByName).</summary>
    public async Task<NwFilter> LookupNwFilterByNameAsync(string name, CancellationToken cancellationToken = default)
        => new(this, (await CallAsync<NwfilterLookupByNameArgs, NwfilterLookupByNameRet>(Procedure.NwfilterLookupByName, new() { Name = name }, cancellationToken).ConfigureAwait(false)).Nwfilter);
}
