using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>One entry of a definition's I/O thread list.</summary>
internal sealed class DomainIoThread
{
    public uint Id { get; init; }

    /// <summary>Numbered by libvirt to reach the <c>&lt;iothreads&gt;</c> count rather than listed by the user.</summary>
    public bool Autofill { get; set; }

    /// <summary>Host CPU bitmap from iothreadpin (bit n of byte n / 8); null when not pinned.</summary>
    public byte[]? Cpumap { get; set; }

    public DomainIoThread Clone() => new() { Id = Id, Autofill = Autofill, Cpumap = (byte[]?)Cpumap?.Clone() };
}

/// <summary>
/// Keeps a definition's I/O thread list and the XML elements that show it (<c>iothreads</c>, <c>iothreadids</c>,
/// <c>cputune/iothreadpin</c>) in step, the way libvirt numbers and writes them.
/// </summary>
internal static class DomainIoThreads
{
    /// <summary>Reads the list from the kept XML (filling unlisted ids up to the count) and rewrites the elements.</summary>
    public static void Load(DomainDefinition definition)
    {
        List<DomainIoThread> threads = definition.Tuning.IoThreads;
        threads.Clear();
        foreach (XElement entry in definition.FindElement("iothreadids")?.Elements("iothread") ?? [])
        {
            if (uint.TryParse((string?)entry.Attribute("id"), NumberStyles.None, CultureInfo.InvariantCulture, out uint id)
                && id != 0 && threads.TrueForAll(t => t.Id != id))
            {
                threads.Add(new DomainIoThread { Id = id });
            }
        }

        int count = int.TryParse(definition.FindElement("iothreads")?.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
        for (uint next = 1; threads.Count < count; next++)
        {
            if (threads.TrueForAll(t => t.Id != next))
            {
                threads.Add(new DomainIoThread { Id = next, Autofill = true });
            }
        }

        foreach (XElement pin in definition.FindElement("cputune")?.Elements("iothreadpin") ?? [])
        {
            if (uint.TryParse((string?)pin.Attribute("iothread"), NumberStyles.None, CultureInfo.InvariantCulture, out uint id)
                && threads.Find(t => t.Id == id) is { } thread && (string?)pin.Attribute("cpuset") is { } cpuset)
            {
                thread.Cpumap = ParseCpuset(cpuset);
            }
        }

        Store(definition);
    }

    /// <summary>Writes the list back into the definition's XML elements.</summary>
    public static void Store(DomainDefinition definition)
    {
        List<DomainIoThread> threads = definition.Tuning.IoThreads;
        definition.SetElement("iothreads", threads.Count > 0 ? new XElement("iothreads", threads.Count.ToString(CultureInfo.InvariantCulture)) : null);
        definition.SetElement("iothreadids", threads.Exists(t => !t.Autofill)
            ? new XElement("iothreadids", threads.Select(t => new XElement("iothread", new XAttribute("id", t.Id.ToString(CultureInfo.InvariantCulture)))))
            : null);

        XElement? cputune = definition.FindElement("cputune");
        XElement[] pins = [.. threads.Where(t => t.Cpumap is not null).Select(t => new XElement(
            "iothreadpin", new XAttribute("iothread", t.Id.ToString(CultureInfo.InvariantCulture)), new XAttribute("cpuset", FormatCpuset(t.Cpumap!))))];
        if (cputune is null && pins.Length == 0)
        {
            return;
        }

        cputune ??= new XElement("cputune");
        cputune.Elements("iothreadpin").Remove();

        // libvirt writes the iothread pins right after the vCPU and emulator pins.
        XElement? before = cputune.Elements().LastOrDefault(e => e.Name.LocalName is "shares" or "global_period" or "global_quota" or "period"
            or "quota" or "emulator_period" or "emulator_quota" or "iothread_period" or "iothread_quota" or "vcpupin" or "emulatorpin");
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

    /// <summary>libvirt's bitmap text ("0-2,5") for a CPU map.</summary>
    public static string FormatCpuset(ReadOnlySpan<byte> map)
    {
        var output = new StringBuilder();
        int bits = map.Length * 8;
        for (int cpu = 0; cpu < bits; cpu++)
        {
            if ((map[cpu / 8] & (1 << (cpu % 8))) == 0)
            {
                continue;
            }

            int last = cpu;
            while (last + 1 < bits && (map[(last + 1) / 8] & (1 << ((last + 1) % 8))) != 0)
            {
                last++;
            }

            output.Append(output.Length > 0 ? "," : string.Empty).Append(cpu.ToString(CultureInfo.InvariantCulture));
            if (last != cpu)
            {
                output.Append('-').Append(last.ToString(CultureInfo.InvariantCulture));
            }

            cpu = last;
        }

        return output.ToString();
    }

    /// <summary>A CPU map from libvirt's bitmap text ("0-2,^1,5"); null when empty or malformed.</summary>
    public static byte[]? ParseCpuset(string text)
    {
        var cpus = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            bool negate = part.StartsWith('^');
            string[] ends = (negate ? part[1..] : part).Split('-');
            if (ends.Length is < 1 or > 2 || !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(ends[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last) || last < first || last >= 4096)
            {
                return null;
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                _ = negate ? cpus.Remove(cpu) : cpus.Add(cpu);
            }
        }

        if (cpus.Count == 0)
        {
            return null;
        }

        byte[] map = new byte[(cpus.Max / 8) + 1];
        foreach (int cpu in cpus)
        {
            map[cpu / 8] |= (byte)(1 << (cpu % 8));
        }

        return map;
    }
}
