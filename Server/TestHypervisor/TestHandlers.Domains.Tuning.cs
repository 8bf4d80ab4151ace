using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>vCPU and emulator pinning, memory/blkio/NUMA tunables and the guest clock, as the test driver keeps them.</summary>
internal sealed partial class TestHandlers
{
    // nodes × sockets × cores × threads of the test host: the bitmap size of "all host CPUs".
    private const int HostCpus = 16;

    // VIR_TYPED_PARAM_STRING_OKAY: without it the daemon leaves string parameters out of its reply.
    private const uint StringOkay = 4;

    private const ulong Unlimited = 9007199254740991;

    public override ValueTask<DomainGetVcpusRet> DomainGetVcpusAsync(ServerCall call, DomainGetVcpusArgs args)
    {
        CheckMapArguments(args.Maxinfo, args.Maplen, "maxinfo");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            if (!domain.IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: cannot list vcpus for an inactive domain");
            }

            DomainDefinition definition = domain.Current;
            int count = Math.Min(args.Maxinfo, definition.Vcpus);
            var info = new VcpuInfo[count];
            byte[] maps = new byte[args.Maxinfo * args.Maplen];

            // The test driver fakes an increasing CPU time from the wall clock.
            ulong cpuTime = (ulong)(WallClockMicroseconds() / 10);
            for (int i = 0; i < count; i++)
            {
                byte[]? pin = definition.Tuning.VcpuPins.GetValueOrDefault(i) ?? definition.Tuning.VcpuCpuset;
                CopyBitmap(pin, maps.AsSpan(i * args.Maplen, args.Maplen));
                info[i] = new VcpuInfo { Number = (uint)i, State = 1, CpuTime = cpuTime, Cpu = LastSetBit(pin) };
            }

            return new(new DomainGetVcpusRet { Info = info, Cpumaps = maps });
        }
    }

    public override ValueTask DomainPinVcpuAsync(ServerCall call, DomainPinVcpuArgs args)
    {
        PinVcpu(args.Dom, args.Vcpu, args.Cpumap);
        return default;
    }

    public override ValueTask DomainPinVcpuFlagsAsync(ServerCall call, DomainPinVcpuFlagsArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainPinVcpuFlags");
        PinVcpu(args.Dom, args.Vcpu, args.Cpumap);
        return default;
    }

    public override ValueTask<DomainGetVcpuPinInfoRet> DomainGetVcpuPinInfoAsync(ServerCall call, DomainGetVcpuPinInfoArgs args)
    {
        CheckMapArguments(args.Ncpumaps, args.Maplen, "ncpumaps");
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags & 3);
            byte[] maps = new byte[args.Ncpumaps * args.Maplen];
            int count = Math.Min(definition.MaxVcpus, args.Ncpumaps);
            for (int i = 0; i < count; i++)
            {
                CopyBitmap(definition.Tuning.VcpuPins.GetValueOrDefault(i) ?? definition.Tuning.VcpuCpuset, maps.AsSpan(i * args.Maplen, args.Maplen));
            }

            return new(new DomainGetVcpuPinInfoRet { Cpumaps = maps, Num = count });
        }
    }

    public override ValueTask<DomainGetEmulatorPinInfoRet> DomainGetEmulatorPinInfoAsync(ServerCall call, DomainGetEmulatorPinInfoArgs args)
    {
        if (args.Maplen < 0)
        {
            throw Internal("maplen must be non-negative");
        }

        CheckFlags(args.Flags, 3, "testDomainGetEmulatorPinInfo");
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            byte[] map = new byte[args.Maplen];
            CopyBitmap(definition.Tuning.EmulatorPin ?? definition.Tuning.VcpuCpuset, map);
            return new(new DomainGetEmulatorPinInfoRet { Cpumaps = map, Ret = 1 });
        }
    }

    public override ValueTask DomainPinEmulatorAsync(ServerCall call, DomainPinEmulatorArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainPinEmulator");
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            if (Array.TrueForAll(args.Cpumap, b => b == 0))
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: Empty cpu list for pinning");
            }

            definition.Tuning.EmulatorPin = (byte[])args.Cpumap.Clone();
            DomainCpuPins.Store(definition);
        }

        return default;
    }

    public override ValueTask<DomainGetMemoryParametersRet> DomainGetMemoryParametersAsync(ServerCall call, DomainGetMemoryParametersArgs args)
    {
        CheckFlags(args.Flags, 3 | StringOkay, "testDomainGetMemoryParameters");
        TypedParam[] Read(DomainDefinition d) =>
            [UllongParam("hard_limit", MemoryLimit(d, "hard_limit")), UllongParam("soft_limit", MemoryLimit(d, "soft_limit")), UllongParam("swap_hard_limit", MemoryLimit(d, "swap_hard_limit"))];
        return new(new DomainGetMemoryParametersRet { Params = TuningParameters(args.Dom, args.Nparams, args.Flags, 3, Read, out int total), Nparams = total });
    }

    public override ValueTask<DomainGetBlkioParametersRet> DomainGetBlkioParametersAsync(ServerCall call, DomainGetBlkioParametersArgs args)
    {
        CheckFlags(args.Flags, 3 | StringOkay, "testDomainGetBlkioParameters");
        return new(new DomainGetBlkioParametersRet { Params = TuningParameters(args.Dom, args.Nparams, args.Flags, 6, BlkioParameters, out int total), Nparams = total });
    }

    public override ValueTask<DomainGetNumaParametersRet> DomainGetNumaParametersAsync(ServerCall call, DomainGetNumaParametersArgs args)
    {
        CheckFlags(args.Flags, 3 | StringOkay, "testDomainGetNumaParameters");

        // Mode 0 is "strict", libvirt's default when the domain has no <numatune>.
        TypedParam[] Read(DomainDefinition d) => [new() { Field = "numa_mode", Value = new TypedParamValue { Type = 1, I = NumaMode(d) } }, StringParam("numa_nodeset", NumaNodeset(d))];
        return new(new DomainGetNumaParametersRet { Params = TuningParameters(args.Dom, args.Nparams, args.Flags, 2, Read, out int total), Nparams = total });
    }

    public override ValueTask<DomainGetTimeRet> DomainGetTimeAsync(ServerCall call, DomainGetTimeArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainGetTime");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            if (domain.State != DomainState.Running)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: domain is not running");
            }

            return new(new DomainGetTimeRet { Seconds = domain.GuestTime.Seconds, Nseconds = domain.GuestTime.Nanoseconds });
        }
    }

    public override ValueTask DomainSetTimeAsync(ServerCall call, DomainSetTimeArgs args)
    {
        CheckFlags(args.Flags, 1, "testDomainSetTime");
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            domain.GuestTime = (args.Seconds, args.Nseconds);
        }

        return default;
    }

    private void PinVcpu(NonnullDomain handle, uint vcpu, byte[] cpumap)
    {
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(handle);
            if (!domain.IsActive)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: cannot pin vcpus on an inactive domain");
            }

            if (vcpu >= (uint)domain.Current.Vcpus)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: requested vcpu '{(int)vcpu}' is not present in the domain");
            }

            domain.Current.Tuning.VcpuPins[(int)vcpu] = (byte[])cpumap.Clone();
            DomainCpuPins.Store(domain.Current);
        }
    }

    /// <summary>
    /// The typed-parameter getters' shared shape: asked for 0 they only count; otherwise the domain must exist and its
    /// definition be selectable, the first <paramref name="requested"/> values are returned, strings only when allowed.
    /// </summary>
    private TypedParam[] TuningParameters(NonnullDomain handle, int requested, uint flags, int count, Func<DomainDefinition, TypedParam[]> read, out int total)
    {
        if (requested == 0)
        {
            total = count;
            return [];
        }

        TypedParam[] all;
        lock (_state.Gate)
        {
            all = read(OneDefinition(_state.GetDomainLocked(handle), flags & 3));
        }

        total = 0;
        return [.. all.Take(requested).Where(p => p.Value.Type != 7 || (flags & StringOkay) != 0)];
    }

    private static TypedParam UllongParam(string field, ulong value) => new() { Field = field, Value = new TypedParamValue { Type = 4, Ul = value } };

    private static TypedParam StringParam(string field, string value) => new() { Field = field, Value = new TypedParamValue { Type = 7, S = value } };

    /// <summary>The daemon's own checks of a cpumap request, before the driver sees it.</summary>
    private static void CheckMapArguments(int count, int maplen, string countName)
    {
        if (count < 0)
        {
            throw Internal($"{countName} must be non-negative");
        }

        if (maplen < 0)
        {
            throw Internal($"{(countName == "maxinfo" ? "maxinfo" : "maplen")} must be non-negative");
        }

        if (count > 16384)
        {
            throw Internal($"{countName} > REMOTE_VCPUINFO_MAX");
        }

        if ((long)count * maplen > 8388608)
        {
            throw Internal("maxinfo * maplen > REMOTE_CPUMAPS_MAX");
        }
    }

    /// <summary>Writes a pin bitmap (null: every host CPU) into a cpumap of the caller's length, truncating.</summary>
    private static void CopyBitmap(byte[]? bitmap, Span<byte> target)
    {
        target.Clear();
        if (bitmap is not null)
        {
            bitmap.AsSpan(0, Math.Min(bitmap.Length, target.Length)).CopyTo(target);
            return;
        }

        for (int cpu = 0; cpu < Math.Min(HostCpus, target.Length * 8); cpu++)
        {
            target[cpu / 8] |= (byte)(1 << (cpu % 8));
        }
    }

    private static int LastSetBit(byte[]? bitmap)
    {
        if (bitmap is null)
        {
            return HostCpus - 1;
        }

        for (int bit = (bitmap.Length * 8) - 1; bit >= 0; bit--)
        {
            if ((bitmap[bit / 8] & (1 << (bit % 8))) != 0)
            {
                return bit;
            }
        }

        return -1;
    }
}
