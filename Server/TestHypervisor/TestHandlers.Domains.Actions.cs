using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>NMI injection, core dumps and lifecycle actions (set-lifecycle-action) as the test driver handles them.</summary>
internal sealed partial class TestHandlers
{
    private const int ShutoffCrashed = 3, DetailStoppedCrashed = 2;

    private static readonly string[] LifecycleTypes = ["poweroff", "reboot", "crash"];

    private static readonly string[] LifecycleActions = ["destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart"];

    public override ValueTask DomainInjectNmiAsync(ServerCall call, DomainInjectNmiArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainInjectNMI");
        lock (_state.Gate)
        {
            RequireActive(_state.GetDomainLocked(args.Dom));
        }

        return default;
    }

    public override ValueTask DomainCoreDumpAsync(ServerCall call, DomainCoreDumpArgs args)
        => AsJob(() => CoreDump(call, args.Dom, args.To, 0, args.Flags));

    public override ValueTask DomainCoreDumpWithFormatAsync(ServerCall call, DomainCoreDumpWithFormatArgs args)
        => AsJob(() => CoreDump(call, args.Dom, args.To, args.Dumpformat, args.Flags));

    public override ValueTask DomainSetLifecycleActionAsync(ServerCall call, DomainSetLifecycleActionArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetLifecycleAction");

        // Power-off and reboot cannot dump core; only a crash can.
        if (args.Type >= LifecycleTypes.Length || args.Action >= LifecycleActions.Length || (args.Type != 2 && args.Action > 3))
        {
            string type = args.Type < LifecycleTypes.Length ? LifecycleTypes[args.Type] : "(null)";
            string action = args.Action < LifecycleActions.Length ? LifecycleActions[args.Action] : "(null)";
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: Lifecycle event '{type}' doesn't support '{action}' action");
        }

        lock (_state.Gate)
        {
            foreach (DomainDefinition definition in AffectedDefinitions(_state.GetDomainLocked(args.Dom), args.Flags))
            {
                string action = LifecycleActions[args.Action];
                switch (args.Type)
                {
                    case 0: definition.OnPoweroff = action; break;
                    case 1: definition.OnReboot = action; break;
                    default: definition.OnCrash = action; break;
                }
            }
        }

        return default;
    }

    private void CoreDump(ServerCall call, in NonnullDomain target, string path, uint format, uint flags)
    {
        const uint Crash = 1;
        CheckFlags(flags, Crash, "testDomainCoreDumpWithFormat");
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            RequireActive(domain);

            // The test driver writes a header-only file; the embedded hypervisor writes nothing but fails where that
            // file could not be created.
            RequireParentDirectory(path, $"domain '{target.Name}' coredump: failed to open {path}: No such file or directory");

            if (format != 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationUnsupported, ErrorDomain.Test, "Operation not supported: kdump-compressed format is not supported here");
            }

            if ((flags & Crash) == 0)
            {
                return;
            }

            _state.StopLocked(domain, ShutoffCrashed);
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventStopped, DetailStoppedCrashed);
    }
}
