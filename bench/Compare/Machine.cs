using System.Runtime.InteropServices;

namespace LibvirtRemote.Bench.Compare;

/// <summary>The lines that say where and with what a run was made.</summary>
internal static class Machine
{
    public static IEnumerable<string> Describe()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        string os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "unknown"
            : "unknown";
        string libvirt = Tool.TryOutputAsync("pkg-config", "--modversion", "libvirt").GetAwaiter().GetResult();
        string libvirtd = Tool.TryOutputAsync("/usr/sbin/libvirtd", "--version").GetAwaiter().GetResult();
        string gcc = Tool.TryOutputAsync("gcc", "-dumpfullversion").GetAwaiter().GetResult();
        string commit = Tool.TryOutputAsync("git", "-C", AppContext.BaseDirectory, "rev-parse", "--short", "HEAD").GetAwaiter().GetResult();
        yield return $"Machine: {Environment.ProcessorCount} cores, {cpu}, {os}, kernel {kernel}";
        yield return $"Versions: {RuntimeInformation.FrameworkDescription}; libvirt client library {libvirt}; {libvirtd}; gcc {gcc}; repository commit {commit}";
    }
}
