using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Renaming a shut-off persistent domain, and the memory balloon's statistics period.</summary>
internal sealed partial class TestHandlers
{
    private const int DetailUndefinedRenamed = 1, DetailDefinedRenamed = 2;

    public override ValueTask<DomainRenameRet> DomainRenameAsync(ServerCall call, DomainRenameArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainRename");
        string newName = args.NewName ?? string.Empty;
        NonnullDomain before, after;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            if (domain.IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: cannot rename active domain");
            }

            if (!domain.Persistent)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: cannot rename a transient domain");
            }

            if (domain.Name == newName)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: Can't rename domain to itself");
            }

            if (_state.FindDomainLocked(newName) is not null)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, $"Requested operation is not valid: domain with name '{newName}' already exists");
            }

            if (newName.Contains('/', StringComparison.Ordinal))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Test, $"XML error: name {newName} cannot contain '/'");
            }

            before = domain.Handle;
            domain.Config.Name = newName;
            after = domain.Handle;
        }

        PublishLifecycle(call, before, EventUndefined, DetailUndefinedRenamed);
        PublishLifecycle(call, after, EventDefined, DetailDefinedRenamed);
        return new(new DomainRenameRet { Retcode = 0 });
    }

    public override ValueTask DomainSetMemoryStatsPeriodAsync(ServerCall call, DomainSetMemoryStatsPeriodArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetMemoryStatsPeriod");
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            XElement balloon = definition.Devices.FirstOrDefault(d => d.Name.LocalName == "memballoon" && (string?)d.Attribute("model") != "none")
                ?? throw Internal("No memory balloon device configured, can not set the collection period");

            // libvirt writes <stats period='N'/> first in the balloon, and nothing for period 0.
            balloon.Elements("stats").Remove();
            if (args.Period != 0)
            {
                balloon.AddFirst(new XElement("stats", new XAttribute("period", args.Period)));
            }
        }

        return default;
    }
}
