using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>A domain's title, description and custom metadata elements (virsh desc, metadata).</summary>
internal sealed partial class TestHandlers
{
    private const int MetadataDescription = 0, MetadataTitle = 1, MetadataElement = 2;

    // VIR_DOMAIN_EVENT_ID_METADATA_CHANGE.
    private const int EventIdMetadataChange = 23;

    public override ValueTask<DomainGetMetadataRet> DomainGetMetadataAsync(ServerCall call, DomainGetMetadataArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainGetMetadata");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            CheckMetadataType(args.Type);
            DomainDefinition definition = OneDefinition(domain, args.Flags);
            string? value = args.Type switch
            {
                MetadataDescription => definition.FindElement("description")?.Value,
                MetadataTitle => definition.FindElement("title")?.Value,
                _ => MetadataXml.Extract(definition.FindElement("metadata"), args.Uri ?? string.Empty),
            };
            return new(new DomainGetMetadataRet
            {
                Metadata = value ?? throw new LibvirtErrorException(ErrorCode.NoDomainMetadata, ErrorDomain.Domain, "metadata not found: Requested metadata element is not present"),
            });
        }
    }

    public override ValueTask DomainSetMetadataAsync(ServerCall call, DomainSetMetadataArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetMetadata");
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            CheckMetadataType(args.Type);
            foreach (DomainDefinition definition in AffectedDefinitions(domain, args.Flags))
            {
                SetMetadata(definition, args.Type, args.Metadata, args.Key, args.Uri);
            }

            handle = domain.Handle;
        }

        call.Server.Events.PublishDomainEvent(EventIdMetadataChange, handle.Uuid, new DomainEventCallbackMetadataChangeMsg { Dom = handle, Type = args.Type, Nsuri = args.Uri });
        return default;
    }

    private static void CheckMetadataType(int type)
    {
        if (type is < 0 or > MetadataElement)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: unknown metadata type '{type}'");
        }
    }

    private static void SetMetadata(DomainDefinition definition, int type, string? value, string? key, string? uri)
    {
        if (type != MetadataElement)
        {
            string name = type == MetadataTitle ? "title" : "description";
            definition.SetElement(name, string.IsNullOrEmpty(value) ? null : new XElement(name, value));
            return;
        }

        XElement? added = value is null ? null : MetadataXml.Inject(value, key ?? string.Empty, uri ?? string.Empty);
        XElement metadata = definition.FindElement("metadata") ?? new XElement("metadata");

        // One element per namespace: a new one replaces any other with the same URI.
        metadata.Elements().Where(e => e.Name.NamespaceName == uri).Remove();
        if (added is not null)
        {
            metadata.Add(added);
        }

        // libvirt keeps an emptied <metadata/> once it exists (or was just created for this call).
        if (added is not null || definition.FindElement("metadata") is not null)
        {
            definition.SetElement("metadata", metadata);
        }
    }

    /// <summary>The definitions a LIVE/CONFIG pair changes: both when both are asked for (virDomainObjGetDefs).</summary>
    private static List<DomainDefinition> AffectedDefinitions(TestDomain domain, uint affect)
    {
        const uint Live = 1, Config = 2;
        if (affect != (Live | Config))
        {
            return [OneDefinition(domain, affect)];
        }

        return [OneDefinition(domain, Live), OneDefinition(domain, Config)];
    }
}
