using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>The domains of the test hypervisor and the state changes libvirt's test driver allows on them.</summary>
public sealed partial class TestState
{
    // libvirt's test:///default starts with this one running domain; the text is its dumpxml output.
    private const string DefaultDomainXml = """
        <domain type='test'>
          <name>test</name>
          <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
          <memory unit='KiB'>8388608</memory>
          <currentMemory unit='KiB'>2097152</currentMemory>
          <vcpu placement='static'>2</vcpu>
          <os>
            <type arch='i686'>hvm</type>
            <boot dev='hd'/>
          </os>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <disk type='file' device='disk'>
              <source file='/guest/diskimage1'/>
              <target dev='vda' bus='virtio'/>
              <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
            </disk>
            <interface type='network'>
              <mac address='aa:bb:cc:dd:ee:ff'/>
              <source network='default'/>
              <target dev='testnet0'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
            </interface>
            <memballoon model='virtio'>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
            </memballoon>
          </devices>
        </domain>
        """;

    // Insertion order, which is the order listings report.
    private readonly List<TestDomain> _domains = [];
    private int _nextDomainId = 1;

    /// <summary>Number of domains (running or not).</summary>
    public int DomainCount
    {
        get
        {
            lock (Gate)
            {
                return _domains.Count;
            }
        }
    }

    partial void InitializeDomains()
    {
        var domain = new TestDomain(DomainDefinition.Parse(DefaultDomainXml)) { Persistent = true };
        StartLocked(domain, reason: 0);
        _domains.Add(domain);
    }

    internal TestDomain? FindDomainLocked(string name) => _domains.Find(d => d.Name == name);

    internal TestDomain? FindDomainLocked(ReadOnlySpan<byte> uuid)
    {
        foreach (TestDomain domain in _domains)
        {
            if (uuid.SequenceEqual(domain.Uuid))
            {
                return domain;
            }
        }

        return null;
    }

    internal TestDomain? FindDomainLocked(int id) => id < 0 ? null : _domains.Find(d => d.Id == id);

    internal IReadOnlyList<TestDomain> DomainsLocked => _domains;

    /// <summary>The domain a client handle names, found by UUID as libvirt's test driver does.</summary>
    internal TestDomain GetDomainLocked(in NonnullDomain handle)
        => FindDomainLocked(handle.Uuid)
        ?? throw new LibvirtErrorException(ErrorCode.NoDomain, ErrorDomain.Test, $"Domain not found: no domain with matching uuid '{DomainDefinition.FormatUuid(handle.Uuid)}' ({handle.Name})");

    /// <summary>Adds or replaces a persistent definition; returns the domain and whether it replaced one.</summary>
    internal (TestDomain Domain, bool Updated) DefineLocked(DomainDefinition definition)
    {
        TestDomain? existing = CheckNewDefinitionLocked(definition, forStart: false);
        if (existing is null)
        {
            var domain = new TestDomain(definition) { Persistent = true };
            _domains.Add(domain);
            return (domain, false);
        }

        bool updated = !existing.IsActive || existing.HasPendingConfig;
        existing.Config = definition;
        existing.Persistent = true;
        existing.HasPendingConfig = existing.IsActive;
        return (existing, updated);
    }

    /// <summary>Starts a domain from XML (transient unless a matching shut-off persistent domain exists).</summary>
    internal TestDomain CreateLocked(DomainDefinition definition, int reason = 1)
    {
        TestDomain? domain = CheckNewDefinitionLocked(definition, forStart: true);
        if (domain is null)
        {
            domain = new TestDomain(definition);
            _domains.Add(domain);
            StartLocked(domain, reason);
        }
        else
        {
            StartLocked(domain, reason);
            domain.Live = definition;
        }

        return domain;
    }

    internal void StartLocked(TestDomain domain, int reason)
    {
        domain.HasPendingConfig = domain.Persistent;
        domain.State = DomainState.Running;
        domain.Reason = reason;
        domain.Id = _nextDomainId++;
        domain.Live = domain.Config.Clone();
        domain.HasManagedSave = false;
    }

    /// <summary>Stops a running domain; a transient one disappears.</summary>
    internal void StopLocked(TestDomain domain, int reason)
    {
        domain.State = DomainState.Shutoff;
        domain.Reason = reason;
        domain.Id = IdAfterStop(domain);
        domain.Live = null;
        if (!domain.Persistent)
        {
            _domains.Remove(domain);
        }
    }

    /// <summary>
    /// The id a stopping domain keeps: libvirt swaps the running definition for the pending persistent one (id -1),
    /// but a domain that was always transient has none, so its stop event still carries the id it ran with.
    /// </summary>
    internal static int IdAfterStop(TestDomain domain) => domain.HasPendingConfig ? -1 : domain.Id;

    internal void RemoveDomainLocked(TestDomain domain) => _domains.Remove(domain);

    private TestDomain? CheckNewDefinitionLocked(DomainDefinition definition, bool forStart)
    {
        if (FindDomainLocked(definition.Uuid) is { } sameUuid)
        {
            if (sameUuid.Name != definition.Name)
            {
                throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Domain, $"operation failed: domain '{sameUuid.Name}' is already defined with uuid {DomainDefinition.FormatUuid(sameUuid.Uuid)}");
            }

            if (forStart && sameUuid.IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, $"Requested operation is not valid: domain '{sameUuid.Name}' is already active");
            }

            return sameUuid;
        }

        if (FindDomainLocked(definition.Name) is { } sameName)
        {
            throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Domain, $"operation failed: domain '{definition.Name}' already exists with uuid {DomainDefinition.FormatUuid(sameName.Uuid)}");
        }

        return null;
    }
}
