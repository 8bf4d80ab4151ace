using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server;
using LibvirtRemote.Server.TestHypervisor;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// virConnectBaselineCPU (virsh cpu-baseline, python's baselineCPU) against libvirtd 9.0.0's test driver: the same
/// host CPU descriptions go to both, and the computed CPUs and refusals must be identical.
/// </summary>
public sealed class CpuBaselineParityTests
{
    private static string Cpu(string arch, string? model, string? vendor = null, params string[] features)
    {
        string text = $"<cpu><arch>{arch}</arch>";
        if (model is not null)
        {
            text += $"<model>{model}</model>";
        }

        if (vendor is not null)
        {
            text += $"<vendor>{vendor}</vendor>";
        }

        return text + string.Concat(features.Select(f => $"<feature name='{f}'/>")) + "</cpu>";
    }

    // virsh wraps the file in a container element and sends each top-level <cpu> separately.
    private static string File(params string[] cpus) => string.Concat(cpus);

    private static readonly (string Name, string Content)[] Inputs =
    [
        ("westmere", File(Cpu("x86_64", "Westmere", "Intel", "vmx", "pdpe1gb"))),
        ("westmere-novendor", File(Cpu("x86_64", "Westmere", null, "vmx"))),
        ("skylake-haswell", File(Cpu("x86_64", "Skylake-Client", "Intel", "vmx"), Cpu("x86_64", "Haswell", "Intel"))),
        ("haswell-notsx", File(Cpu("x86_64", "Haswell-noTSX", "Intel"), Cpu("x86_64", "Haswell", "Intel", "invtsc"))),
        ("triple", File(Cpu("x86_64", "Broadwell", "Intel", "vmx", "abm"), Cpu("x86_64", "IvyBridge", "Intel", "vmx"), Cpu("x86_64", "SandyBridge", "Intel", "vmx", "aes"))),
        ("icelake-cascade", File(Cpu("x86_64", "Icelake-Server", "Intel"), Cpu("x86_64", "Cascadelake-Server", "Intel"))),
        ("icelake", File(Cpu("x86_64", "Icelake-Client", "Intel"))),
        ("nehalem-penryn", File(Cpu("x86_64", "Nehalem", null), Cpu("x86_64", "Penryn", null))),
        ("epyc", File(Cpu("x86_64", "EPYC", "AMD", "svm"), Cpu("x86_64", "EPYC-Rome", "AMD"))),
        ("opteron", File(Cpu("x86_64", "Opteron_G5", "AMD"), Cpu("x86_64", "Opteron_G3", "AMD"))),
        ("opteron-g3", File(Cpu("x86_64", "Opteron_G3", "AMD", "svm"))),
        ("dhyana", File(Cpu("x86_64", "Dhyana", "Hygon"))),
        ("qemu64", File(Cpu("x86_64", "qemu64", null), Cpu("x86_64", "kvm64", null))),
        ("i686", File(Cpu("i686", "pentium3", null), Cpu("i686", "486", null))),
        ("mixed-vendors", File(Cpu("x86_64", "Haswell", "Intel"), Cpu("x86_64", "EPYC", "AMD"))),
        ("vendor-vs-model", File(Cpu("x86_64", "Haswell", "Intel"), Cpu("x86_64", "Haswell", "AMD"))),
        ("second-novendor", File(Cpu("x86_64", "Haswell", "Intel"), Cpu("x86_64", "Opteron_G4", null))),
        ("unknown-vendor", File(Cpu("x86_64", "Haswell", "Acme"))),
        ("unknown-model", File(Cpu("x86_64", "Pentium99", "Intel"))),
        ("unknown-model-second", File(Cpu("x86_64", "Haswell", "Intel"), Cpu("x86_64", "Pentium99", "Intel"))),
        ("unknown-feature", File(Cpu("x86_64", "Haswell", "Intel", "frobnicate"))),
        ("duplicate-feature", File(Cpu("x86_64", "Haswell", "Intel", "vmx", "vmx"))),
        ("no-arch", File("<cpu><model>Haswell</model></cpu>")),
        ("bad-arch", File(Cpu("z80", "Haswell"))),
        ("no-model", File(Cpu("x86_64", null))),
        ("different-arches", File(Cpu("x86_64", "Haswell", "Intel"), Cpu("ppc64", "POWER9", "IBM"))),
        ("ppc64", File(Cpu("ppc64", "POWER9", "IBM"), Cpu("ppc64", "POWER9", null))),
        ("ppc64-mismatch", File(Cpu("ppc64le", "POWER9"), Cpu("ppc64le", "POWER8"))),
        ("ppc64-vendor", File(Cpu("ppc64", "POWER8", "Freescale"))),
        ("ppc64-unknown", File(Cpu("ppc64", "POWER42"))),
        ("arm", File(Cpu("aarch64", "cortex-a57", "ARM"), Cpu("aarch64", "cortex-a53"))),
        ("s390", File(Cpu("s390x", "z14"))),
        ("sparc", File(Cpu("sparc64", "ultra"))),
        ("mode", File("<cpu mode='custom'><arch>x86_64</arch><model>Haswell</model></cpu>")),
        ("empty", ""),
    ];

    [Fact]
    public async Task VirshCpuBaselineMatchesLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        var commands = new List<string>();
        foreach ((string name, string content) in Inputs)
        {
            string path = pair.WriteFile(name + ".xml", content);
            commands.Add($"echo {name}; cpu-baseline {path}; cpu-baseline {path} --features");
        }

        (string expected, string actual) = await pair.VirshBothAsync(string.Join("; ", commands));
        Assert.Equal(expected, actual);
        Assert.Contains("<model fallback='forbid'>Westmere</model>\n  <vendor>Intel</vendor>\n  <feature policy='require' name='vmx'/>\n  <feature policy='require' name='pdpe1gb'/>", actual, StringComparison.Ordinal);
        Assert.Contains("<model fallback='allow'>Haswell</model>", actual, StringComparison.Ordinal);
        Assert.Contains("CPU vendors do not match", actual, StringComparison.Ordinal);
        Assert.Contains("Unknown CPU feature frobnicate", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigratableFlagAndCpuCompareAreRefusedAsByLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string path = pair.WriteFile("haswell.xml", File(Cpu("x86_64", "Haswell", "Intel")));
        string output = await pair.VirshSameAsync(
            $"cpu-baseline {path} --migratable; cpu-compare {path}; hypervisor-cpu-compare {path}; hypervisor-cpu-baseline {path}; "
            + $"hypervisor-cpu-baseline {path} --features; cpu-models x86_64");
        Assert.Contains("unsupported flags (0x2) in function testConnectBaselineCPU", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonBaselineCpuMatchesLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string haswell = Cpu("x86_64", "Haswell", "Intel");
        string skylake = Cpu("x86_64", "Skylake-Server", "Intel", "vmx");
        string script = TestDriverPair.PythonPrelude + "\n" + $$"""
            cpus = {
                'one': ["{{haswell}}"],
                'two': ["{{haswell}}", "{{skylake}}"],
                'none': [],
                'garbage': ["<cpu><arch>x86_64</arch>"],
                'not-cpu': ["<domain/>"],
                'migratable': ["<cpu migratable='on'><arch>x86_64</arch><model>Haswell</model></cpu>"],
                'empty-model': ["<cpu><arch>x86_64</arch><model></model></cpu>"],
                'empty-feature': ["<cpu><arch>x86_64</arch><model>Haswell</model><feature name=''/></cpu>"],
            }
            for label, xmls in cpus.items():
                for flags in (0, 1, 2, 3, 4):
                    err(label + ' ' + str(flags), lambda: conn.baselineCPU(xmls, flags))
            """;
        string output = await pair.PythonSameAsync(script);
        Assert.Contains("two 1 <cpu mode='custom' match='exact'>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingCpuMapIsRefusedAsByLibvirtd()
    {
        string empty = System.IO.Directory.CreateTempSubdirectory("lr-cpumap-").FullName;
        try
        {
            await using OurServer ours = await OurServer.StartAsync(new TestBackend { CpuMapDirectory = empty }).Within();
            string path = Path.Combine(empty, "cpu.xml");
            await System.IO.File.WriteAllTextAsync(path, File(Cpu("x86_64", "Haswell", "Intel")));
            ExternalProcess.Result result = await ours.VirshAsync("cpu-baseline", path).Within();
            Assert.Equal($"error: XML error: failed to parse xml document '{empty}/index.xml'", result.Stderr.Trim().Split('\n')[0]);
        }
        finally
        {
            System.IO.Directory.Delete(empty, recursive: true);
        }
    }
}
