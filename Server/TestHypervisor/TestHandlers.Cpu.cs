using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Cpu;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>The baseline CPU of a set of host CPUs, computed from libvirt's CPU map as the test driver does.</summary>
internal sealed partial class TestHandlers
{
    private const uint BaselineExpandFeatures = 1;

    public override ValueTask<ConnectBaselineCpuRet> ConnectBaselineCpuAsync(ServerCall call, ConnectBaselineCpuArgs args)
    {
        CheckFlags(args.Flags, BaselineExpandFeatures, "testConnectBaselineCPU");
        // An empty list never gets here: the public API check refuses it first (ApiArgumentChecks).
        HostCpuDefinition[] cpus = [.. args.XmlCPUs.Select(x => HostCpuDefinition.Parse(x, Architectures))];
        string arch = cpus[0].Arch;
        GuestCpu result;
        switch (arch)
        {
            case "i686" or "x86_64":
                X86CpuMap map = X86CpuMap.Get(_backend.CpuMapDirectory);
                result = X86Baseline.Compute(cpus, map);
                if ((args.Flags & BaselineExpandFeatures) != 0)
                {
                    X86Baseline.ExpandFeatures(result, map);
                }

                break;
            case "ppc64" or "ppc64le":
                result = Ppc64Baseline(cpus, Ppc64CpuMap.Get(_backend.CpuMapDirectory));
                break;
            case "armv6l" or "armv7b" or "armv7l" or "aarch64":
                // The ARM driver keeps the first CPU's model and nothing else.
                result = new GuestCpu(cpus[0].Model);
                break;
            case "s390" or "s390x":
                throw new LibvirtErrorException(ErrorCode.NoSupport, ErrorDomain.Cpu, $"this function is not supported by the connection driver: cannot compute baseline CPU of {arch} architecture");
            default:
                throw new LibvirtErrorException(ErrorCode.NoSupport, ErrorDomain.Cpu, $"this function is not supported by the connection driver: '{arch}' architecture is not supported by CPU driver");
        }

        // Expanding sorts the features by name on every architecture.
        if ((args.Flags & BaselineExpandFeatures) != 0)
        {
            result.Features.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        }

        return new(new ConnectBaselineCpuRet { Cpu = result.Format() });
    }

    // ppc64 hosts are only compatible when they name the same model; vendors must agree with it and each other.
    private static GuestCpu Ppc64Baseline(HostCpuDefinition[] cpus, Ppc64CpuMap map)
    {
        string modelName = cpus[0].Model;
        if (map.Models.FindIndex(m => m.Name == modelName) is var at && at < 0)
        {
            throw CpuMapFiles.Internal($"Unknown CPU model {modelName}");
        }

        string? modelVendor = map.Models[at].Vendor;
        string? vendor = null;
        foreach (HostCpuDefinition cpu in cpus)
        {
            if (cpu.Model != modelName)
            {
                throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Cpu, "operation failed: CPUs are incompatible");
            }

            if (cpu.Vendor is null)
            {
                continue;
            }

            if (!map.Vendors.Contains(cpu.Vendor))
            {
                throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Cpu, $"operation failed: Unknown CPU vendor {cpu.Vendor}");
            }

            if (modelVendor is not null)
            {
                if (modelVendor != cpu.Vendor)
                {
                    throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Cpu, $"operation failed: CPU vendor {modelVendor} of model {modelName} differs from vendor {cpu.Vendor}");
                }
            }
            else if (vendor is not null && vendor != cpu.Vendor)
            {
                throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Cpu, "operation failed: CPU vendors do not match");
            }
            else
            {
                vendor = cpu.Vendor;
            }
        }

        return new GuestCpu(modelName) { Vendor = vendor, ForbidFallback = true };
    }
}
