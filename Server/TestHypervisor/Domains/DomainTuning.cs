namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Tuning a definition carries besides its XML: vCPU and emulator pinning as host CPU bitmaps (libvirt's byte order,
/// bit n of byte n / 8), null meaning "all host CPUs".
/// </summary>
internal sealed class DomainTuning
{
    public Dictionary<int, byte[]> VcpuPins { get; private set; } = [];

    public byte[]? EmulatorPin { get; set; }

    /// <summary>The vcpu element's cpuset: where unpinned vCPUs (and the emulator) may run; null meaning anywhere.</summary>
    public byte[]? VcpuCpuset { get; set; }

    /// <summary>The I/O thread list in libvirt's order (see <see cref="DomainIoThreads"/>).</summary>
    public List<DomainIoThread> IoThreads { get; private set; } = [];

    /// <summary>
    /// Every blkiotune device path in order, including devices whose values were all set to 0: libvirt keeps those in
    /// its list (only the XML omits them), so a later value puts them back where they were.
    /// </summary>
    public List<string> BlkioDevicePaths { get; private set; } = [];

    public DomainTuning Clone() => new()
    {
        VcpuPins = VcpuPins.ToDictionary(p => p.Key, p => (byte[])p.Value.Clone()),
        EmulatorPin = (byte[]?)EmulatorPin?.Clone(),
        VcpuCpuset = (byte[]?)VcpuCpuset?.Clone(),
        IoThreads = IoThreads.ConvertAll(t => t.Clone()),
        BlkioDevicePaths = [.. BlkioDevicePaths],
    };
}
