using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>The host's CPU statistics, CPU map and CPU model names as the test driver reports them.</summary>
internal sealed partial class TestHandlers
{
    // virNodeCPUStats fields and the test driver's fixed values, in its order.
    private static readonly (string Field, ulong Value)[] NodeCpuStats =
        [("user", 9797400000), ("kernel", 34678723400000), ("idle", 87264900000), ("iowait", 763600000)];

    // CPU model names of libvirt 9.0.0's cpu_map, per CPU driver; the ARM and s390 drivers list none.
    private static readonly string[] X86Models =
    [
        "486", "pentium", "pentium2", "pentium3", "pentiumpro", "coreduo", "n270", "core2duo", "qemu32", "kvm32",
        "cpu64-rhel5", "cpu64-rhel6", "qemu64", "kvm64", "Conroe", "Penryn", "Nehalem", "Nehalem-IBRS", "Westmere",
        "Westmere-IBRS", "SandyBridge", "SandyBridge-IBRS", "IvyBridge", "IvyBridge-IBRS", "Haswell-noTSX",
        "Haswell-noTSX-IBRS", "Haswell", "Haswell-IBRS", "Broadwell-noTSX", "Broadwell-noTSX-IBRS", "Broadwell",
        "Broadwell-IBRS", "Skylake-Client", "Skylake-Client-IBRS", "Skylake-Client-noTSX-IBRS", "Skylake-Server",
        "Skylake-Server-IBRS", "Skylake-Server-noTSX-IBRS", "Cascadelake-Server", "Cascadelake-Server-noTSX",
        "Icelake-Client", "Icelake-Client-noTSX", "Icelake-Server", "Icelake-Server-noTSX", "Cooperlake", "Snowridge",
        "athlon", "phenom", "Opteron_G1", "Opteron_G2", "Opteron_G3", "Opteron_G4", "Opteron_G5", "EPYC", "EPYC-IBPB",
        "EPYC-Rome", "EPYC-Milan", "Dhyana",
    ];

    private static readonly string[] PpcModels = ["POWER6", "POWER7", "POWER8", "POWER9", "POWER10", "POWERPC_e5500", "POWERPC_e6500"];

    // libvirt's architecture names ("none" excepted: it does not count as found).
    private static readonly HashSet<string> Architectures =
    [
        "alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64", "lm32", "m68k", "microblaze",
        "microblazeel", "mips", "mipsel", "mips64", "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64",
        "ppc64le", "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc", "sparc64", "unicore32",
        "x86_64", "xtensa", "xtensaeb",
    ];

    public override ValueTask<NodeGetCpuStatsRet> NodeGetCpuStatsAsync(ServerCall call, NodeGetCpuStatsArgs args)
    {
        CheckFlags(args.Flags, 0, "testNodeGetCPUStats");

        // Every CPU number gets the same made-up totals.
        if (args.Nparams == 0)
        {
            return new(new NodeGetCpuStatsRet { Params = [], Nparams = NodeCpuStats.Length });
        }

        return new(new NodeGetCpuStatsRet
        {
            Params = [.. NodeCpuStats.Take(args.Nparams).Select(s => new NodeGetCpuStats { Field = s.Field, Value = s.Value })],
        });
    }

    public override ValueTask<NodeGetFreePagesRet> NodeGetFreePagesAsync(ServerCall call, NodeGetFreePagesArgs args)
    {
        if ((long)args.Pages.Length * args.CellCount > 1024)
        {
            throw Internal("the result won't fit into REMOTE_NODE_MAX_CELLS");
        }

        CheckFlags(args.Flags, 0, "testNodeGetFreePages");

        // The test driver fills the counts but returns 0 where libvirtd expects the number of counts, so libvirtd
        // answers every valid request with its error for a driver that failed without saying why.
        throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Rpc, "Library function returned error but did not set virError");
    }

    public override ValueTask<NodeGetCpuMapRet> NodeGetCpuMapAsync(ServerCall call, NodeGetCpuMapArgs args)
    {
        CheckFlags(args.Flags, 0, "testNodeGetCPUMap");

        // Eight CPUs of which 0, 2 and 4 are online.
        return new(new NodeGetCpuMapRet { Cpumap = args.NeedMap != 0 ? [0x15] : [], Online = args.NeedOnline != 0 ? 3u : 0, Ret = 8 });
    }

    public override ValueTask<ConnectGetCpuModelNamesRet> ConnectGetCpuModelNamesAsync(ServerCall call, ConnectGetCpuModelNamesArgs args)
    {
        CheckFlags(args.Flags, 0, "testConnectGetCPUModelNames");
        string arch = args.Arch;
        if (!Architectures.Contains(arch))
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: cannot find architecture {arch}");
        }

        string[] models = arch switch
        {
            "i686" or "x86_64" => X86Models,
            "ppc64" or "ppc64le" => PpcModels,
            "armv6l" or "armv7l" or "armv7b" or "aarch64" or "s390" or "s390x" => [],
            _ => throw new LibvirtErrorException(ErrorCode.NoSupport, ErrorDomain.Cpu, $"this function is not supported by the connection driver: '{arch}' architecture is not supported by CPU driver"),
        };
        return new(new ConnectGetCpuModelNamesRet { Models = args.NeedResults != 0 ? models : [], Ret = models.Length });
    }
}
