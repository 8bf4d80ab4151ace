using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Domain state changes (define, start, stop, pause, undefine) and resource changes, with the lifecycle events libvirt's
/// test driver emits for them.
/// </summary>
internal sealed partial class TestHandlers
{
    // VIR_DOMAIN_EVENT_* and their details.
    private const int EventDefined = 0, EventUndefined = 1, EventStarted = 2, EventSuspended = 3, EventResumed = 4, EventStopped = 5;
    private const int DetailDefinedAdded = 0, DetailDefinedUpdated = 1, DetailStoppedShutdown = 0, DetailStoppedDestroyed = 1;

    // virDomainRunningReason / virDomainShutoffReason / virDomainPausedReason values the test driver sets.
    private const int RunningBooted = 1, RunningUnpaused = 5, ShutoffShutdown = 1, ShutoffDestroyed = 2, PausedUser = 1;

    public override ValueTask<DomainDefineXmlRet> DomainDefineXmlAsync(ServerCall call, DomainDefineXmlArgs args)
        => new(new DomainDefineXmlRet { Dom = Define(call, args.Xml) });

    public override ValueTask<DomainDefineXmlFlagsRet> DomainDefineXmlFlagsAsync(ServerCall call, DomainDefineXmlFlagsArgs args)
    {
        // VIR_DOMAIN_DEFINE_VALIDATE asks for a schema check, which the parser's own checks stand in for.
        CheckFlags(args.Flags, 1, "testDomainDefineXMLFlags");
        return new(new DomainDefineXmlFlagsRet { Dom = Define(call, args.Xml) });
    }

    public override ValueTask<DomainCreateXmlRet> DomainCreateXmlAsync(ServerCall call, DomainCreateXmlArgs args)
    {
        CheckFlags(args.Flags, 0x10, "testDomainCreateXML");
        DomainDefinition definition = DomainDefinition.Parse(args.XmlDesc);
        definition.ApplyDefaults();
        NonnullDomain handle;
        lock (_state.Gate)
        {
            handle = _state.CreateLocked(definition).Handle;
        }

        PublishLifecycle(call, handle, EventStarted, 0);
        return new(new DomainCreateXmlRet { Dom = handle });
    }

    public override ValueTask DomainCreateAsync(ServerCall call, DomainCreateArgs args)
    {
        Start(call, args.Dom, 0);
        return default;
    }

    public override ValueTask<DomainCreateWithFlagsRet> DomainCreateWithFlagsAsync(ServerCall call, DomainCreateWithFlagsArgs args)
        => new(new DomainCreateWithFlagsRet { Dom = Start(call, args.Dom, args.Flags) });

    public override ValueTask DomainDestroyAsync(ServerCall call, DomainDestroyArgs args)
    {
        Destroy(call, args.Dom, 0);
        return default;
    }

    public override ValueTask DomainDestroyFlagsAsync(ServerCall call, DomainDestroyFlagsArgs args)
    {
        Destroy(call, args.Dom, args.Flags);
        return default;
    }

    public override ValueTask DomainSuspendAsync(ServerCall call, DomainSuspendArgs args)
    {
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            if (domain.State is DomainState.Shutoff or DomainState.Paused)
            {
                throw Internal($"domain '{args.Dom.Name}' not running");
            }

            domain.State = DomainState.Paused;
            domain.Reason = PausedUser;
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventSuspended, 0);
        return default;
    }

    public override ValueTask DomainResumeAsync(ServerCall call, DomainResumeArgs args)
    {
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            if (domain.State != DomainState.Paused)
            {
                throw Internal($"domain '{args.Dom.Name}' not paused");
            }

            domain.State = DomainState.Running;
            domain.Reason = RunningUnpaused;
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventResumed, 0);
        return default;
    }

    public override ValueTask DomainShutdownAsync(ServerCall call, DomainShutdownArgs args)
    {
        Shutdown(call, args.Dom, 0);
        return default;
    }

    public override ValueTask DomainShutdownFlagsAsync(ServerCall call, DomainShutdownFlagsArgs args)
    {
        Shutdown(call, args.Dom, args.Flags);
        return default;
    }

    public override ValueTask DomainRebootAsync(ServerCall call, DomainRebootArgs args)
    {
        CheckFlags(args.Flags, 0x3F, "testDomainReboot");
        NonnullDomain? stopped = null;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            if (ActionStops(domain.Current.OnReboot))
            {
                _state.StopLocked(domain, ShutoffShutdown);
                stopped = domain.Handle;
            }
            else
            {
                domain.State = DomainState.Running;
                domain.Reason = RunningBooted;
            }
        }

        if (stopped is { } handle)
        {
            PublishLifecycle(call, handle, EventStopped, DetailStoppedShutdown);
        }

        return default;
    }

    public override ValueTask DomainResetAsync(ServerCall call, DomainResetArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainReset");
        lock (_state.Gate)
        {
            RequireActive(_state.GetDomainLocked(args.Dom));
        }

        return default;
    }

    public override ValueTask<DomainGetHostnameRet> DomainGetHostnameAsync(ServerCall call, DomainGetHostnameArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainGetHostname");
        lock (_state.Gate)
        {
            RequireActive(_state.GetDomainLocked(args.Dom));
        }

        // The test driver makes the guest's hostname up from the domain's name.
        return new(new DomainGetHostnameRet { Hostname = args.Dom.Name + "host" });
    }

    public override ValueTask DomainUndefineAsync(ServerCall call, DomainUndefineArgs args)
    {
        Undefine(call, args.Dom, 0);
        return default;
    }

    public override ValueTask DomainUndefineFlagsAsync(ServerCall call, DomainUndefineFlagsArgs args)
    {
        Undefine(call, args.Dom, args.Flags);
        return default;
    }

    public override ValueTask DomainSetMemoryAsync(ServerCall call, DomainSetMemoryArgs args)
    {
        SetMemory(args.Dom, args.Memory, 1);
        return default;
    }

    public override ValueTask DomainSetMaxMemoryAsync(ServerCall call, DomainSetMaxMemoryArgs args)
    {
        SetMemory(args.Dom, args.Memory, 4);
        return default;
    }

    public override ValueTask DomainSetMemoryFlagsAsync(ServerCall call, DomainSetMemoryFlagsArgs args)
    {
        SetMemory(args.Dom, args.Memory, args.Flags);
        return default;
    }

    public override ValueTask DomainSetVcpusAsync(ServerCall call, DomainSetVcpusArgs args)
    {
        SetVcpus(args.Dom, args.Nvcpus, 1);
        return default;
    }

    public override ValueTask DomainSetVcpusFlagsAsync(ServerCall call, DomainSetVcpusFlagsArgs args)
    {
        SetVcpus(args.Dom, args.Nvcpus, args.Flags);
        return default;
    }

    private static bool ActionStops(string action) => action is not ("restart" or "rename-restart");

    private static void RequireActive(TestDomain domain)
    {
        if (!domain.IsActive)
        {
            throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: domain is not running");
        }
    }

    private static LibvirtErrorException Internal(string detail) => new(ErrorCode.InternalError, ErrorDomain.Test, "internal error: " + detail);

    private static void PublishLifecycle(ServerCall call, NonnullDomain handle, int lifecycleEvent, int detail)
        => call.Server.Events.PublishDomainEvent(0, handle.Uuid, new DomainEventCallbackLifecycleMsg
        {
            Msg = new DomainEventLifecycleMsg { Dom = handle, Event = lifecycleEvent, Detail = detail },
        });

    private NonnullDomain Define(ServerCall call, string xml)
    {
        DomainDefinition definition = DomainDefinition.Parse(xml);
        if (definition.Name.Contains('\n', StringComparison.Ordinal))
        {
            throw new LibvirtErrorException(ErrorCode.XmlDetail, ErrorDomain.None, $"XML error: name '{definition.Name}' contains illegal character '\\n'");
        }

        definition.ApplyDefaults();
        NonnullDomain handle;
        bool updated;
        lock (_state.Gate)
        {
            (TestDomain domain, updated) = _state.DefineLocked(definition);
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventDefined, updated ? DetailDefinedUpdated : DetailDefinedAdded);
        return handle;
    }

    private NonnullDomain Start(ServerCall call, in NonnullDomain target, uint flags)
    {
        CheckFlags(flags, 0, "testDomainCreateWithFlags");
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            if (domain.State != DomainState.Shutoff)
            {
                throw Internal($"Domain '{target.Name}' is already running");
            }

            _state.StartLocked(domain, RunningBooted);
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventStarted, 0);
        return handle;
    }

    private void Destroy(ServerCall call, in NonnullDomain target, uint flags)
    {
        CheckFlags(flags, 1, "testDomainDestroyFlags");
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            RequireActive(domain);
            _state.StopLocked(domain, ShutoffDestroyed);
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventStopped, DetailStoppedDestroyed);
    }

    private void Shutdown(ServerCall call, in NonnullDomain target, uint flags)
    {
        CheckFlags(flags, 0, "testDomainShutdownFlags");
        NonnullDomain? stopped = null;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            if (domain.State == DomainState.Shutoff)
            {
                throw Internal($"domain '{target.Name}' not running");
            }

            if (ActionStops(domain.Current.OnPoweroff))
            {
                _state.StopLocked(domain, ShutoffShutdown);
                stopped = domain.Handle;
            }
            else
            {
                domain.State = DomainState.Running;
                domain.Reason = RunningBooted;
            }
        }

        if (stopped is { } handle)
        {
            PublishLifecycle(call, handle, EventStopped, DetailStoppedShutdown);
        }
    }

    private void Undefine(ServerCall call, in NonnullDomain target, uint flags)
    {
        CheckFlags(flags, 1 | 2, "testDomainUndefineFlags");
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            handle = domain.Handle;
            if (domain.HasManagedSave && (flags & 1) == 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: Refusing to undefine while domain managed save image exists");
            }

            if (!domain.IsActive && domain.Snapshots.Count > 0 && (flags & 2) == 0)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: cannot delete inactive domain with {domain.Snapshots.Count} snapshots");
            }

            domain.HasManagedSave = false;
            if (domain.IsActive)
            {
                domain.Persistent = false;
            }
            else
            {
                _state.RemoveDomainLocked(domain);
            }
        }

        PublishLifecycle(call, handle, EventUndefined, 0);
    }

    private void SetMemory(in NonnullDomain target, ulong memory, uint flags)
    {
        const uint Maximum = 4;
        CheckFlags(flags, 1 | 2 | Maximum, "testDomainSetMemoryFlags");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            DomainDefinition def = OneDefinition(domain, flags & 3);
            if ((flags & Maximum) != 0)
            {
                if (ReferenceEquals(def, domain.Live))
                {
                    throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: cannot resize the maximum memory on an active domain");
                }

                def.MemoryKiB = memory;
                def.CurrentMemoryKiB = Math.Min(def.CurrentMemoryKiB, memory);
            }
            else
            {
                if (memory > def.MemoryKiB)
                {
                    throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: cannot set memory higher than max memory");
                }

                def.CurrentMemoryKiB = memory;
            }
        }
    }

    private void SetVcpus(in NonnullDomain target, uint count, uint flags)
    {
        const uint Live = 1, Config = 2, Maximum = 4;
        CheckFlags(flags, Live | Config | Maximum, "testDomainSetVcpusFlags");
        if (count > TestHost.MaxVcpus)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: requested cpu amount exceeds maximum supported amount ({count} > {TestHost.MaxVcpus})");
        }

        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            bool affectLive = (flags & Live) != 0 || ((flags & (Live | Config)) == 0 && domain.IsActive);
            bool affectConfig = (flags & Config) != 0 || ((flags & (Live | Config)) == 0 && !domain.IsActive);
            if (affectLive && !domain.IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: domain is not running");
            }

            if (affectConfig && !domain.Persistent)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Domain, "Requested operation is not valid: transient domains do not have any persistent config");
            }

            DomainDefinition? live = affectLive ? domain.Live : null;
            DomainDefinition? config = affectConfig ? domain.Config : null;
            if (live is not null && live.MaxVcpus < count)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: requested cpu amount exceeds maximum ({count} > {live.MaxVcpus})");
            }

            if (config is not null && (flags & Maximum) == 0 && config.MaxVcpus < count)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: requested cpu amount exceeds maximum ({count} > {config.MaxVcpus})");
            }

            if (live is not null)
            {
                live.Vcpus = (int)count;
            }

            if (config is not null)
            {
                if ((flags & Maximum) != 0)
                {
                    // Per-vCPU states keep their online flags across a new maximum: assign only when the count must drop.
                    config.MaxVcpus = (int)count;
                    if (config.Vcpus > (int)count)
                    {
                        config.Vcpus = (int)count;
                    }
                }
                else
                {
                    config.Vcpus = (int)count;
                }
            }
        }
    }
}
