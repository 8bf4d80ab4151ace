using LibvirtRemote.Protocol;
using LibvirtRemote.Server;

namespace LibvirtRemote.Bench.Compare;

/// <summary>
/// The few procedures the scenarios call, answered from constants shaped like libvirt's <c>test:///default</c>
/// (domain "test", pool "default-pool") plus a volume "bench.img" of a chosen size for stream downloads. Kept here
/// rather than in Server/TestHypervisor so the benchmark does not depend on how far that model has got.
/// </summary>
internal sealed class BenchBackend : ServerBackend
{
    public BenchBackend(long volumeBytes, byte[] screenshot)
    {
        VolumeBytes = volumeBytes;
        Screenshot = screenshot;
    }

    public long VolumeBytes { get; }

    public byte[] Screenshot { get; }

    public override RemoteHandlers CreateRemoteHandlers(ClientContext client) => new BenchHandlers(this);
}
