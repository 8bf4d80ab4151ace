using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// The real-time scheduler elements of &lt;cputune&gt; (vcpusched, iothreadsched) as libvirt parses them: each names
/// a set of vCPUs or I/O threads that must exist in the definition, and no thread may get a scheduler twice.
/// </summary>
internal static class DomainThreadSched
{
    public static void Check(DomainDefinition definition)
    {
        XElement? cputune = definition.FindElement("cputune");
        if (cputune is null)
        {
            return;
        }

        var vcpus = new HashSet<int>();
        foreach (XElement sched in cputune.Elements("vcpusched"))
        {
            foreach (int vcpu in Members(sched, "vcpus"))
            {
                if (vcpu >= definition.MaxVcpus)
                {
                    throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: vCPU '{vcpu}' is not present in domain definition");
                }

                if (!vcpus.Add(vcpu))
                {
                    throw Overlap("vcpusched", "vcpus");
                }
            }
        }

        var iothreads = new HashSet<int>();
        foreach (XElement sched in cputune.Elements("iothreadsched"))
        {
            foreach (int id in Members(sched, "iothreads"))
            {
                if (!definition.Tuning.IoThreads.Exists(t => t.Id == id))
                {
                    throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: Cannot find 'iothread' : {id}");
                }

                if (!iothreads.Add(id))
                {
                    throw Overlap("iothreadsched", "iothreads");
                }
            }
        }
    }

    private static IEnumerable<int> Members(XElement sched, string attribute)
    {
        byte[] map = (string?)sched.Attribute(attribute) is string text ? DomainIoThreads.ParseCpuset(text) ?? [] : [];
        for (int bit = 0; bit < map.Length * 8; bit++)
        {
            if ((map[bit / 8] & (1 << (bit % 8))) != 0)
            {
                yield return bit;
            }
        }
    }

    private static LibvirtErrorException Overlap(string element, string attribute)
        => new(ErrorCode.XmlDetail, ErrorDomain.Domain, $"'{element}' attributes '{attribute}' must not overlap");
}
