using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt writes the children of &lt;os&gt;, &lt;features&gt;, &lt;cpu&gt; and &lt;interface&gt; in a fixed order whatever order the
/// client wrote them in; elements the test hypervisor keeps as given are put into that order here. Children this
/// class does not know keep their place relative to each other, after the known ones.
/// </summary>
internal static class DomainChildOrder
{
    private static readonly string[] Os =
        ["type", "firmware", "init", "initarg", "initenv", "initdir", "inituser", "initgroup", "loader", "nvram", "kernel", "initrd", "cmdline", "dtb", "acpi", "boot", "bootmenu", "bios", "smbios"];

    // libvirt's feature enumeration, which its formatter walks.
    private static readonly string[] Features =
        ["acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock", "capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg"];

    private static readonly string[] Cpu =
        ["model", "vendor", "microcode", "signature", "counter", "topology", "cache", "maxphysaddr", "feature", "numa"];

    private static readonly string[] Interface =
    [
        "mac", "source", "local", "vlan", "virtualport", "bandwidth", "port", "ip", "route", "portForward", "script",
        "downscript", "backenddomain", "target", "guest", "model", "driver", "backend", "filterref", "tune", "teaming",
        "link", "mtu", "coalesce", "boot", "alias", "rom", "acpi", "address",
    ];

    /// <summary>Puts the children of an &lt;interface&gt; into libvirt's order.</summary>
    public static void SortInterface(XElement nic) => Sort(nic, Interface);

    /// <summary>Puts the children of <paramref name="os"/> into libvirt's order.</summary>
    public static void SortOs(XElement os) => Sort(os, Os);

    /// <summary>Puts the children of the domain's &lt;features&gt; and &lt;cpu&gt; among <paramref name="elements"/> into libvirt's order.</summary>
    public static void SortFeaturesAndCpu(IEnumerable<XElement> elements)
    {
        foreach (XElement element in elements)
        {
            if (element.Name.LocalName == "features")
            {
                Sort(element, Features);
            }
            else if (element.Name.LocalName == "cpu")
            {
                Sort(element, Cpu);
            }
        }
    }

    private static void Sort(XElement parent, string[] order)
    {
        if (!parent.HasElements)
        {
            return;
        }

        XElement[] sorted = [.. parent.Elements().OrderBy(e => Rank(order, e.Name.LocalName))];
        if (sorted.SequenceEqual(parent.Elements()))
        {
            return;
        }

        parent.Elements().Remove();
        parent.Add(sorted);
    }

    private static int Rank(string[] order, string name)
    {
        int index = Array.IndexOf(order, name);
        return index < 0 ? order.Length : index;
    }
}
