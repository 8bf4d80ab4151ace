using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>The host ("node") as libvirt's test driver describes it.</summary>
internal sealed partial class TestHandlers
{
    public override ValueTask<NodeGetInfoRet> NodeGetInfoAsync(ServerCall call)
    {
        // The model is a fixed 32-char array on the wire, NUL padded.
        byte[] model = new byte[32];
        "i686"u8.CopyTo(model);
        return new(new NodeGetInfoRet { Model = model, Memory = 3145728, Cpus = 16, Mhz = 1400, Nodes = 2, Sockets = 2, Cores = 2, Threads = 2 });
    }

    public override ValueTask<ConnectGetCapabilitiesRet> ConnectGetCapabilitiesAsync(ServerCall call)
        => new(new ConnectGetCapabilitiesRet { Capabilities = TestHost.Capabilities });

    public override ValueTask<ConnectGetSysinfoRet> ConnectGetSysinfoAsync(ServerCall call, ConnectGetSysinfoArgs args)
    {
        CheckFlags(args.Flags, 0, "testConnectGetSysinfo");
        return new(new ConnectGetSysinfoRet { Sysinfo = TestHost.Sysinfo });
    }

    public override ValueTask<NodeGetFreeMemoryRet> NodeGetFreeMemoryAsync(ServerCall call) => new(new NodeGetFreeMemoryRet { FreeMem = TestHost.FreeMemory });

    public override ValueTask<NodeGetCellsFreeMemoryRet> NodeGetCellsFreeMemoryAsync(ServerCall call, NodeGetCellsFreeMemoryArgs args)
    {
        if (args.StartCell >= TestHost.CellMemory.Length)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: Range exceeds available cells");
        }

        int start = Math.Max(args.StartCell, 0);
        int count = Math.Clamp(args.Maxcells, 0, TestHost.CellMemory.Length - start);
        return new(new NodeGetCellsFreeMemoryRet { Cells = TestHost.CellMemory[start..(start + count)] });
    }

    public override ValueTask<NodeGetSecurityModelRet> NodeGetSecurityModelAsync(ServerCall call)
        => new(new NodeGetSecurityModelRet { Model = "testSecurity\0"u8.ToArray(), Doi = [0] });

    public override ValueTask<ConnectGetMaxVcpusRet> ConnectGetMaxVcpusAsync(ServerCall call, ConnectGetMaxVcpusArgs args)
        => new(new ConnectGetMaxVcpusRet { MaxVcpus = TestHost.MaxVcpus });
}
