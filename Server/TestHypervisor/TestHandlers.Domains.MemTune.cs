using System.Globalization;
using System.Text;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Dispatch;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Setting memory limits and NUMA memory placement (memtune, numatune). Both live in the domain XML (&lt;memtune&gt;,
/// &lt;numatune&gt;), where the getters read them too.
/// </summary>
internal sealed partial class TestHandlers
{
    private static readonly string[] MemTuneOrder = ["hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit"];

    private static readonly string[] NumaModes = ["strict", "preferred", "interleave", "restrictive"];

    public override ValueTask DomainSetMemoryParametersAsync(ServerCall call, DomainSetMemoryParametersArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetMemoryParameters");
        ValidateParams(args.Params, ("hard_limit", 4), ("soft_limit", 4), ("swap_hard_limit", 4));
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            DomainDefinition definition = OneDefinition(domain, args.Flags);
            ulong? hard = Param(args.Params, "hard_limit"), soft = Param(args.Params, "soft_limit"), swap = Param(args.Params, "swap_hard_limit");

            // The test driver compares against the running definition's limits, whichever definition it changes.
            if ((hard ?? swap) is not null
                && (hard ?? MemoryLimit(domain.Current, "hard_limit")) > (swap ?? MemoryLimit(domain.Current, "swap_hard_limit")))
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, "invalid argument: memory hard_limit tunable value must be lower than or equal to swap_hard_limit");
            }

            var limits = MemTuneOrder.ToDictionary(name => name, name => MemoryLimit(definition, name));
            limits["soft_limit"] = soft ?? limits["soft_limit"];
            limits["hard_limit"] = hard ?? limits["hard_limit"];
            limits["swap_hard_limit"] = swap ?? limits["swap_hard_limit"];
            XElement[] children = [.. MemTuneOrder.Where(name => limits[name] < Unlimited).Select(name => new XElement(name, new XAttribute("unit", "KiB"), limits[name].ToString(CultureInfo.InvariantCulture)))];
            definition.SetElement("memtune", children.Length == 0 ? null : new XElement("memtune", children));
        }

        return default;
    }

    public override ValueTask DomainSetNumaParametersAsync(ServerCall call, DomainSetNumaParametersArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetNumaParameters");
        ValidateParams(args.Params, ("numa_mode", 1), ("numa_nodeset", 7));
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            DomainDefinition definition = OneDefinition(domain, args.Flags);
            int mode = -1;
            string? nodeset = null;
            foreach (TypedParam param in args.Params)
            {
                if (param.Field == "numa_mode")
                {
                    mode = param.Value.I;
                    if (mode < 0 || mode >= NumaModes.Length)
                    {
                        throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: unsupported numatune mode: '{mode}'");
                    }
                }
                else if (param.Field == "numa_nodeset")
                {
                    nodeset = FormatNodeset(param.Value.S)
                        ?? throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, $"Requested operation is not valid: Invalid nodeset of 'numatune': {param.Value.S}");
                }
            }

            XElement? memory = definition.FindElement("numatune")?.Element("memory");
            if (ReferenceEquals(definition, domain.Live) && mode != -1 && memory is not null && NumaMode(definition) != mode)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: can't change numatune mode for running domain");
            }

            if (mode == -1 && nodeset is null)
            {
                return default;
            }

            // libvirt's placement rules: a new nodeset means static placement; a first setting without one takes the
            // vCPUs' placement, and static placement without a nodeset is refused.
            string? currentNodeset = (string?)memory?.Attribute("nodeset");
            string? placement = memory is null ? "default" : null;
            int newMode = mode != -1 ? mode : NumaMode(definition);
            string? newNodeset = currentNodeset;
            if (nodeset is not null)
            {
                newNodeset = nodeset;
                placement ??= "static";
                placement = placement == "default" ? "static" : placement;
            }

            if (placement == "default")
            {
                placement = newNodeset is not null || !definition.VcpuPlacementAuto ? "static" : "auto";
            }

            if (placement == "static" && newNodeset is null)
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
            }

            placement ??= (string?)memory?.Attribute("placement") ?? "static";
            var element = new XElement("memory", new XAttribute("mode", NumaModes[newMode]));
            if (placement == "auto")
            {
                element.Add(new XAttribute("placement", "auto"));
            }
            else if (newNodeset is not null)
            {
                element.Add(new XAttribute("nodeset", newNodeset));
            }

            definition.SetElement("numatune", new XElement("numatune", element));
        }

        return default;
    }

    /// <summary>A memory limit from &lt;memtune&gt; in KiB; unset means unlimited.</summary>
    private static ulong MemoryLimit(DomainDefinition definition, string name)
        => definition.FindElement("memtune")?.Element(name) is { } element ? DomainDefinition.ParseKiB(element) : Unlimited;

    private static int NumaMode(DomainDefinition definition)
    {
        string? mode = (string?)definition.FindElement("numatune")?.Element("memory")?.Attribute("mode");
        int index = mode is null ? -1 : Array.IndexOf(NumaModes, mode);
        return index < 0 ? 0 : index;
    }

    private static string NumaNodeset(DomainDefinition definition)
        => (string?)definition.FindElement("numatune")?.Element("memory")?.Attribute("nodeset") ?? string.Empty;

    private static ulong? Param(TypedParam[] parameters, string field)
    {
        ulong? value = null;
        foreach (TypedParam param in parameters)
        {
            if (param.Field == field)
            {
                value ??= param.Value.Ul;
            }
        }

        return value;
    }

    /// <summary>virTypedParamsValidate: only the named fields, each once and with its type.</summary>
    private static void ValidateParams(TypedParam[] parameters, params (string Field, int Type)[] allowed)
        => TypedParamsValidator.Validate(parameters, allowed);

    /// <summary>Parses a node list ("0-2,^1,4") and writes it back as libvirt's bitmap format does; null when empty.</summary>
    private static string? FormatNodeset(string text)
    {
        var nodes = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            bool negate = part.StartsWith('^');
            string range = negate ? part[1..] : part;
            string[] ends = range.Split('-');
            if (ends.Length is < 1 or > 2 || !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first)
                || !int.TryParse(ends[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int last) || last < first || last >= 4096)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.None, $"invalid argument: Failed to parse bitmap '{text}'");
            }

            for (int node = first; node <= last; node++)
            {
                if (negate)
                {
                    nodes.Remove(node);
                }
                else
                {
                    nodes.Add(node);
                }
            }
        }

        if (nodes.Count == 0)
        {
            return null;
        }

        var output = new StringBuilder();
        int[] sorted = [.. nodes];
        for (int i = 0; i < sorted.Length; i++)
        {
            int start = sorted[i];
            while (i + 1 < sorted.Length && sorted[i + 1] == sorted[i] + 1)
            {
                i++;
            }

            output.Append(output.Length > 0 ? "," : string.Empty).Append(start.ToString(CultureInfo.InvariantCulture));
            if (sorted[i] != start)
            {
                output.Append('-').Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            }
        }

        return output.ToString();
    }
}
