using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>One vCPU's entry in &lt;vcpus&gt;; a null hotpluggable is one libvirt was never told nor filled in.</summary>
internal sealed record VcpuState(bool Online, bool? Hotpluggable, uint Order);

/// <summary>
/// Per-vCPU state (&lt;vcpus&gt;&lt;vcpu id enabled hotpluggable order/&gt;&lt;/vcpus&gt;) as libvirt reads, fills in
/// and writes it. Once given, the states decide the current vCPU count; the test driver makes no further checks
/// (vCPU 0 may be offline, orders may repeat).
/// </summary>
internal static class DomainVcpuStates
{
    /// <summary>The states for a domain with <paramref name="max"/> vCPUs, or null when the XML gives none.</summary>
    public static List<VcpuState>? Parse(XElement? vcpus, int max)
    {
        XElement[] entries = vcpus?.Elements("vcpu").ToArray() ?? [];
        if (entries.Length == 0)
        {
            return null;
        }

        var states = Enumerable.Repeat(new VcpuState(false, null, 0), max).ToList();
        foreach (XElement entry in entries)
        {
            uint id = Number(entry, "id", required: true);
            if (id >= max)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: vcpu id '{id}' is out of range of maximum vcpu count");
            }

            bool online = YesNo(entry, "enabled", required: true) ?? false;
            bool? hotpluggable = YesNo(entry, "hotpluggable", required: false);
            states[(int)id] = new VcpuState(online, hotpluggable, Number(entry, "order", required: false));
        }

        // What the XML left open follows the state: online vCPUs are fixed, offline ones can be plugged in.
        for (int i = 0; i < states.Count; i++)
        {
            VcpuState state = states[i];
            if (state.Hotpluggable is null)
            {
                states[i] = state with { Hotpluggable = !state.Online };
            }
            else if (state.Hotpluggable == false && !state.Online)
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: vcpu '{i}' is both offline and not hotpluggable");
            }
        }

        return states;
    }

    /// <summary>Brings the first <paramref name="current"/> vCPUs online and the rest offline, keeping their other settings.</summary>
    public static void SetCurrent(List<VcpuState> states, int current)
    {
        for (int i = 0; i < states.Count; i++)
        {
            states[i] = states[i] with { Online = i < current };
        }
    }

    /// <summary>Grows or shrinks to <paramref name="max"/> vCPUs; new ones start offline with nothing else set.</summary>
    public static void SetMaximum(List<VcpuState> states, int max)
    {
        if (states.Count > max)
        {
            states.RemoveRange(max, states.Count - max);
        }

        while (states.Count < max)
        {
            states.Add(new VcpuState(false, null, 0));
        }
    }

    public static XElement Format(List<VcpuState> states) => new(
        "vcpus",
        states.Select((state, id) => new XElement(
            "vcpu",
            new XAttribute("id", id.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("enabled", state.Online ? "yes" : "no"),
            state.Hotpluggable is bool hotpluggable ? new XAttribute("hotpluggable", hotpluggable ? "yes" : "no") : null,
            state.Order != 0 ? new XAttribute("order", state.Order.ToString(CultureInfo.InvariantCulture)) : null)));

    private static uint Number(XElement entry, string name, bool required)
    {
        string? text = (string?)entry.Attribute(name);
        if (text is null)
        {
            return required ? throw Missing(name) : 0u;
        }

        return uint.TryParse(text, NumberStyles.AllowLeadingWhite, CultureInfo.InvariantCulture, out uint value)
            ? value
            : throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute '{name}' in element 'vcpu': '{text}'. Expected non-negative integer value");
    }

    private static bool? YesNo(XElement entry, string name, bool required)
    {
        return TestXml.YesNo(entry, name) switch
        {
            null when required => throw Missing(name),
            null => null,
            string text => text == "yes",
        };
    }

    private static LibvirtErrorException Missing(string name) =>
        new(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Missing required attribute '{name}' in element 'vcpu'");
}
