using System.Globalization;
using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Keeps a definition's vCPU and emulator pinning (<see cref="DomainTuning"/>) and the <c>cputune</c> elements that
/// show it (<c>vcpupin</c>, <c>emulatorpin</c>) in step, in the order libvirt writes them.
/// </summary>
internal static class DomainCpuPins
{
    // cputune's scalar children, which libvirt writes before any pin.
    private static readonly string[] ScalarTunables =
        ["shares", "period", "quota", "global_period", "global_quota", "emulator_period", "emulator_quota", "iothread_period", "iothread_quota"];

    /// <summary>Reads the pins from the kept XML and rewrites the elements in libvirt's order.</summary>
    public static void Load(DomainDefinition definition)
    {
        DomainTuning tuning = definition.Tuning;
        tuning.VcpuPins.Clear();
        tuning.EmulatorPin = null;
        XElement? cputune = definition.FindElement("cputune");
        if (cputune is null)
        {
            return;
        }

        foreach (XElement pin in cputune.Elements("vcpupin"))
        {
            if (int.TryParse((string?)pin.Attribute("vcpu"), NumberStyles.None, CultureInfo.InvariantCulture, out int vcpu)
                && vcpu < definition.MaxVcpus
                && (string?)pin.Attribute("cpuset") is { } cpuset && DomainIoThreads.ParseCpuset(cpuset) is { } map)
            {
                tuning.VcpuPins[vcpu] = map;
            }
        }

        if ((string?)cputune.Element("emulatorpin")?.Attribute("cpuset") is { } emulator)
        {
            tuning.EmulatorPin = DomainIoThreads.ParseCpuset(emulator);
        }

        Store(definition);
    }

    /// <summary>Writes the pins back into the definition's <c>cputune</c> element (dropping it when left empty).</summary>
    public static void Store(DomainDefinition definition)
    {
        DomainTuning tuning = definition.Tuning;
        List<XElement> pins = [.. tuning.VcpuPins.Where(p => p.Key < definition.MaxVcpus).OrderBy(p => p.Key).Select(p => new XElement(
            "vcpupin", new XAttribute("vcpu", p.Key.ToString(CultureInfo.InvariantCulture)), new XAttribute("cpuset", DomainIoThreads.FormatCpuset(p.Value))))];
        if (tuning.EmulatorPin is { } emulator)
        {
            pins.Add(new XElement("emulatorpin", new XAttribute("cpuset", DomainIoThreads.FormatCpuset(emulator))));
        }

        XElement? cputune = definition.FindElement("cputune");
        if (cputune is null && pins.Count == 0)
        {
            return;
        }

        cputune ??= new XElement("cputune");
        cputune.Elements().Where(e => e.Name.LocalName is "vcpupin" or "emulatorpin").Remove();
        XElement? before = cputune.Elements().LastOrDefault(e => Array.IndexOf(ScalarTunables, e.Name.LocalName) >= 0);
        if (before is null)
        {
            cputune.AddFirst(pins);
        }
        else
        {
            before.AddAfterSelf(pins);
        }

        definition.SetElement("cputune", cputune.HasElements ? cputune : null);
    }
}
