namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Tuning a definition carries besides its XML: vCPU and emulator pinning as host CPU bitmaps (libvirt's byte order,
/// bit n of byte n / 8), null meaning "all host CPUs".
/// </summary>
internal sealed class DomainTuning
{
    public Dictionary<int, byte[]> VcpuPins { get; private set; } = [];

    public byte[]? EmulatorPin { get; set; }

    public DomainTuning Clone() => new()
    {
        VcpuPins = VcpuPins.ToDictionary(p => p.Key, p => (byte[])p.Value.Clone()),
        EmulatorPin = (byte[]?)EmulatorPin?.Clone(),
    };
}
