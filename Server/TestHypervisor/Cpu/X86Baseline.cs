using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Cpu;

/// <summary>
/// The x86 baseline: the intersection of the CPUs' feature bits (model plus listed features), then the model that
/// describes the result with the fewest listed features, preferring a model named in the input.
/// </summary>
internal static class X86Baseline
{
    // Each disabled feature weighs more than an enabled one, and each further one more than the last.
    private const int BasePenalty = 2;

    public static GuestCpu Compute(IReadOnlyList<HostCpuDefinition> cpus, X86CpuMap map)
    {
        X86CpuData baseData = ModelData(cpus[0], map);
        X86Vendor? vendor = null;
        bool outputVendor = cpus[0].Vendor is not null;
        if (cpus[0].Vendor is { } firstVendor)
        {
            vendor = map.FindVendor(firstVendor) ?? throw Failed($"Unknown CPU vendor {firstVendor}");
        }

        var modelNames = new List<string> { cpus[0].Model };
        for (int i = 1; i < cpus.Count; i++)
        {
            HostCpuDefinition cpu = cpus[i];
            if (!modelNames.Contains(cpu.Model))
            {
                modelNames.Add(cpu.Model);
            }

            X86Model model = map.FindModel(cpu.Model) ?? throw CpuMapFiles.Internal($"Unknown CPU model {cpu.Model}");
            X86CpuData data = ModelData(cpu, map);
            if (cpu.Vendor is not null && model.Vendor is not null && cpu.Vendor != model.Vendor.Name)
            {
                throw Failed($"CPU vendor {model.Vendor.Name} of model {model.Name} differs from vendor {cpu.Vendor}");
            }

            string? name = cpu.Vendor;
            if (name is null)
            {
                outputVendor = false;
                name = model.Vendor?.Name;
            }

            if (name is not null)
            {
                if (vendor is null)
                {
                    vendor = map.FindVendor(name) ?? throw Failed($"Unknown CPU vendor {name}");
                }
                else if (vendor.Name != name)
                {
                    throw Failed("CPU vendors do not match");
                }
            }

            baseData.Intersect(data);
        }

        if (baseData.IsEmpty)
        {
            throw Failed("CPUs are incompatible");
        }

        if (vendor is not null)
        {
            baseData.Add(vendor.Data);
        }

        GuestCpu result = Decode(baseData, map, modelNames);
        result.ForbidFallback = modelNames.Count == 1 && result.Model == modelNames[0];
        if (!outputVendor)
        {
            result.Vendor = null;
        }

        return result;
    }

    /// <summary>Lists every feature of the CPU's model explicitly, keeping its own required and disabled ones.</summary>
    public static void ExpandFeatures(GuestCpu cpu, X86CpuMap map)
    {
        X86Model model = map.FindModel(cpu.Model) ?? throw CpuMapFiles.Internal($"unknown CPU model {cpu.Model}");
        List<(string Name, string Policy)> expanded = FeaturesOf(model.Data.Copy(), "require", map);
        foreach ((string name, string policy) in cpu.Features)
        {
            int at = expanded.FindIndex(f => f.Name == name);
            if (at >= 0)
            {
                expanded[at] = (name, policy);
            }
            else
            {
                expanded.Add((name, policy));
            }
        }

        cpu.Features = expanded;
        foreach (string removed in model.RemovedFeatures)
        {
            cpu.AddFeatureIfMissing(removed, "disable");
        }
    }

    private static X86CpuData ModelData(HostCpuDefinition cpu, X86CpuMap map)
    {
        X86Model model = map.FindModel(cpu.Model) ?? throw CpuMapFiles.Internal($"Unknown CPU model {cpu.Model}");
        X86CpuData data = model.Data.Copy();
        foreach (string name in cpu.Features)
        {
            X86Feature feature = map.FindFeature(name) ?? throw CpuMapFiles.Internal($"Unknown CPU feature {name}");
            data.Add(feature.Data);
        }

        return data;
    }

    private static GuestCpu Decode(X86CpuData input, X86CpuMap map, List<string> preferred)
    {
        X86CpuData data = input.Copy();
        X86Vendor? vendor = TakeVendor(data, map);

        // The baseline's bits never carry a CPU signature, so libvirt's signature preference and its TSX filter
        // (which keys on Intel family 6 signatures) have nothing to act on here.
        GuestCpu? best = null;
        for (int i = map.Models.Count - 1; i >= 0; i--)
        {
            X86Model candidate = map.Models[i];
            if (vendor is not null && candidate.Vendor is not null && vendor != candidate.Vendor)
            {
                continue;
            }

            if (!candidate.DecodeGuest)
            {
                continue;
            }

            GuestCpu cpu = Describe(data, candidate, map);
            bool isPreferred = preferred.Contains(candidate.Name);
            if (isPreferred && preferred.Count == 1)
            {
                best = cpu;
                break;
            }

            if (best is null || Better(best, cpu, isPreferred))
            {
                best = cpu;
            }
        }

        if (best is null)
        {
            throw CpuMapFiles.Internal("Cannot find suitable CPU model for given data");
        }

        best.Vendor = vendor?.Name;
        return best;
    }

    private static X86Vendor? TakeVendor(X86CpuData data, X86CpuMap map)
    {
        foreach (X86Vendor vendor in map.Vendors)
        {
            if (data.Contains(vendor.Data))
            {
                data.Subtract(vendor.Data);
                return vendor;
            }
        }

        return null;
    }

    private static GuestCpu Describe(X86CpuData data, X86Model model, X86CpuMap map)
    {
        X86CpuData extra = data.Copy();
        X86CpuData missing = model.Data.Copy();
        extra.Subtract(model.Data);
        missing.Subtract(data);
        var cpu = new GuestCpu(model.Name);
        cpu.Features.AddRange(FeaturesOf(extra, "require", map));
        cpu.Features.AddRange(FeaturesOf(missing, "disable", map));
        foreach (string removed in model.RemovedFeatures)
        {
            cpu.AddFeatureIfMissing(removed, "disable");
        }

        return cpu;
    }

    // Features are taken in map order and their bits removed as they are taken, so a feature whose bits an earlier
    // one already covered is not listed again.
    private static List<(string Name, string Policy)> FeaturesOf(X86CpuData data, string policy, X86CpuMap map)
    {
        var features = new List<(string, string)>();
        foreach (X86Feature feature in map.Features)
        {
            if (data.Contains(feature.Data))
            {
                data.Subtract(feature.Data);
                features.Add((feature.Name, policy));
            }
        }

        return features;
    }

    private static bool Better(GuestCpu current, GuestCpu candidate, bool isPreferred)
    {
        (int currentWeight, int currentDisabled) = Weigh(current);
        (int candidateWeight, int candidateDisabled) = Weigh(candidate);
        return candidateWeight < currentWeight
            || (candidateWeight == currentWeight && candidateDisabled < currentDisabled)
            || (isPreferred && candidateDisabled < currentDisabled);
    }

    // libvirt shrinks the scanned range as it counts disabled features, so disabled features at the end of the list
    // (where they always are) partly go uncounted; the choice of model depends on that.
    private static (int Weight, int Disabled) Weigh(GuestCpu cpu)
    {
        int enabled = cpu.Features.Count;
        int disabled = 0;
        int penalty = BasePenalty;
        for (int i = 0; i < enabled; i++)
        {
            if (cpu.Features[i].Policy == "disable")
            {
                enabled--;
                disabled += penalty;
                penalty++;
            }
        }

        return (enabled + disabled, disabled);
    }

    private static LibvirtErrorException Failed(string message) => new(ErrorCode.OperationFailed, ErrorDomain.Cpu, "operation failed: " + message);
}
