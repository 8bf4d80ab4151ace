using System.Globalization;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// I/O threads as the test driver handles them: the list lives in the definition LIVE/CONFIG selects, pins are
/// host CPU bitmaps on its entries, and polling settings live on the domain object.
/// </summary>
internal sealed partial class TestHandlers
{
    public override ValueTask<DomainGetIothreadInfoRet> DomainGetIothreadInfoAsync(ServerCall call, DomainGetIothreadInfoArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainGetIOThreadInfo");
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);

            // An unpinned thread reports a map as wide as the current vCPU count with every bit set, as the driver does.
            int bits = definition.Vcpus;
            DomainIothreadInfo[] info = [.. definition.Tuning.IoThreads.Select(t => new DomainIothreadInfo
            {
                IothreadId = t.Id,
                Cpumap = t.Cpumap is { } map ? TrimmedMap(map) : AllSet(bits),
            })];
            return new(new DomainGetIothreadInfoRet { Info = info, Ret = (uint)info.Length });
        }
    }

    public override ValueTask DomainAddIothreadAsync(ServerCall call, DomainAddIothreadArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainAddIOThread");
        RequireIoThreadId(args.IothreadId);
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            DomainDefinition definition = OneDefinition(domain, args.Flags);
            if (definition.Tuning.IoThreads.Exists(t => t.Id == args.IothreadId))
            {
                throw IoThreadError($"an IOThread is already using iothread_id '{args.IothreadId}'");
            }

            definition.Tuning.IoThreads.Add(new DomainIoThread { Id = args.IothreadId });
            DomainIoThreads.Store(definition);
            domain.IoThreadPolling.Add(new IoThreadPolling { Id = args.IothreadId });
        }

        return default;
    }

    public override ValueTask DomainDelIothreadAsync(ServerCall call, DomainDelIothreadArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainDelIOThread");
        RequireIoThreadId(args.IothreadId);
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            DomainDefinition definition = OneDefinition(domain, args.Flags);
            List<DomainIoThread> threads = definition.Tuning.IoThreads;
            int index = threads.FindIndex(t => t.Id == args.IothreadId);
            if (index < 0)
            {
                throw IoThreadError($"cannot find IOThread '{args.IothreadId}' in iothreadids list");
            }

            string id = args.IothreadId.ToString(CultureInfo.InvariantCulture);
            if (definition.Devices.Find(d => d.Name.LocalName == "disk" && (string?)d.Element("driver")?.Attribute("iothread") == id) is { } disk)
            {
                throw IoThreadError($"cannot remove IOThread {id} since it is being used by disk '{DiskTarget(disk)}'");
            }

            if (definition.Devices.Exists(d => d.Name.LocalName == "controller" && (string?)d.Element("driver")?.Attribute("iothread") == id))
            {
                throw IoThreadError($"cannot remove IOThread '{id}' since it is being used by controller");
            }

            // Threads after a removed one would no longer be renumbered the same way, so libvirt lists them explicitly.
            for (int i = index + 1; i < threads.Count; i++)
            {
                threads[i].Autofill = false;
            }

            threads.RemoveAt(index);
            DomainIoThreads.Store(definition);
            int polling = domain.IoThreadPolling.FindIndex(p => p.Id == args.IothreadId);
            if (polling >= 0)
            {
                domain.IoThreadPolling.RemoveAt(polling);
            }
        }

        return default;
    }

    public override ValueTask DomainPinIothreadAsync(ServerCall call, DomainPinIothreadArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainPinIOThread");
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            if (Array.TrueForAll(args.Cpumap, b => b == 0))
            {
                throw IoThreadError("Empty iothread cpumap list for pinning", ErrorDomain.Test);
            }

            DomainIoThread thread = definition.Tuning.IoThreads.Find(t => t.Id == args.IothreadsId)
                ?? throw IoThreadError($"iothreadid {(int)args.IothreadsId} not found", ErrorDomain.Test);
            thread.Cpumap = (byte[])args.Cpumap.Clone();
            DomainIoThreads.Store(definition);
        }

        return default;
    }

    public override ValueTask DomainSetIothreadParamsAsync(ServerCall call, DomainSetIothreadParamsArgs args)
    {
        CheckFlags(args.Flags, 1, "testDomainSetIOThreadParams");
        RequireIoThreadId(args.IothreadId);
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            DomainDefinition definition = OneDefinition(domain, args.Flags);
            if (!definition.Tuning.IoThreads.Exists(t => t.Id == args.IothreadId))
            {
                throw IoThreadError($"cannot find IOThread '{args.IothreadId}' in iothreadids", ErrorDomain.Test);
            }

            // A thread the definition lists but iothreadadd never created has no polling entry: the driver fails without
            // setting an error, and libvirt's API layer substitutes its generic one.
            IoThreadPolling polling = domain.IoThreadPolling.Find(p => p.Id == args.IothreadId)
                ?? throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.None, "An error occurred, but the cause is unknown");
            ValidateParams(args.Params, ("poll_max_ns", 4), ("poll_grow", 2), ("poll_shrink", 2));
            foreach (TypedParam param in args.Params)
            {
                switch (param.Field)
                {
                    case "poll_max_ns":
                        polling.PollMaxNs = param.Value.Ul;
                        break;
                    case "poll_grow":
                        polling.PollGrow = param.Value.Ui;
                        break;
                    default:
                        polling.PollShrink = param.Value.Ui;
                        break;
                }
            }
        }

        return default;
    }

    /// <summary>The iothread group of bulk statistics: the polling settings of a running domain, if it has any.</summary>
    private static IEnumerable<TypedParam> IoThreadStats(TestDomain domain)
    {
        if (!domain.IsActive || domain.IoThreadPolling.Count == 0)
        {
            yield break;
        }

        yield return new TypedParam { Field = "iothread.count", Value = new TypedParamValue { Type = 2, Ui = (uint)domain.IoThreadPolling.Count } };
        foreach (IoThreadPolling polling in domain.IoThreadPolling)
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"iothread.{polling.Id}.");
            yield return new TypedParam { Field = prefix + "poll-max-ns", Value = new TypedParamValue { Type = 4, Ul = polling.PollMaxNs } };
            yield return new TypedParam { Field = prefix + "poll-grow", Value = new TypedParamValue { Type = 2, Ui = polling.PollGrow } };
            yield return new TypedParam { Field = prefix + "poll-shrink", Value = new TypedParamValue { Type = 2, Ui = polling.PollShrink } };
        }
    }

    private static void RequireIoThreadId(uint id)
    {
        if (id == 0)
        {
            throw IoThreadError("invalid value of 0 for iothread_id", ErrorDomain.Test);
        }
    }

    private static LibvirtErrorException IoThreadError(string message, ErrorDomain domain = ErrorDomain.Domain) =>
        new(ErrorCode.InvalidArg, domain, $"invalid argument: {message}");

    private static byte[] AllSet(int bits)
    {
        byte[] map = new byte[(bits + 7) / 8];
        for (int bit = 0; bit < bits; bit++)
        {
            map[bit / 8] |= (byte)(1 << (bit % 8));
        }

        return map;
    }

    // virBitmapToData returns only the bytes up to the last set bit.
    private static byte[] TrimmedMap(byte[] map)
    {
        int length = map.Length;
        while (length > 1 && map[length - 1] == 0)
        {
            length--;
        }

        return map[..length];
    }
}
