using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Sizes with units in volume and domain XML: every element reads its unit from one table, an empty unit means the
/// element's default, and a product past 64 bits is refused with libvirt's overflow error rather than wrapping.
/// </summary>
public sealed class SizeUnitParityTests
{
    [Fact]
    public async Task VolumeAndDomainSizesScaleAndOverflowAsLibvirtdDoes()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string big = pair.WriteFile("big.xml", "<volume><name>big.img</name><capacity unit='EiB'>20</capacity></volume>");
        string peta = pair.WriteFile("peta.xml", "<volume><name>p.img</name><capacity unit='pb'>2</capacity><allocation unit='TiB'>1</allocation></volume>");
        string oddUnit = pair.WriteFile("odd.xml", "<volume><name>o.img</name><capacity unit='zb'>1</capacity></volume>");
        string domain = pair.WriteFile("d.xml", """
            <domain type='test'>
              <name>units</name>
              <memory unit=''>524288</memory>
              <currentMemory unit='MiB'>256</currentMemory>
              <vcpu>1</vcpu>
              <os><type>hvm</type></os>
              <devices>
                <shmem name='s1'><size unit='KiB'>4096</size></shmem>
              </devices>
            </domain>
            """);
        string tooBig = pair.WriteFile("d2.xml", """
            <domain type='test'>
              <name>huge</name>
              <memory unit='E'>100</memory>
              <vcpu>1</vcpu>
              <os><type>hvm</type></os>
            </domain>
            """);
        string output = await pair.VirshSameAsync(
            $"vol-create default-pool {big}; vol-create default-pool {peta}; vol-info p.img --pool default-pool --bytes; vol-create default-pool {oddUnit}; "
            + $"define {domain}; dumpxml units; define {tooBig}");
        Assert.Contains("value too large: 20EiB", output, StringComparison.Ordinal);
        Assert.Contains("unknown suffix 'zb'", output, StringComparison.Ordinal);
        Assert.Contains("<memory unit='KiB'>524288</memory>", output, StringComparison.Ordinal);
        Assert.Contains("<size unit='M'>4</size>", output, StringComparison.Ordinal);
    }
}
