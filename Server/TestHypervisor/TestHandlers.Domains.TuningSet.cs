using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// The setters of disk throttling (blkdeviotune), scheduler weight (schedinfo --set) and perf events (perf --enable),
/// whose getters live next to the other tunables.
/// </summary>
internal sealed partial class TestHandlers
{
    // The test driver's ceiling for any one throttling value.
    private const ulong IoTuneMax = 1_000_000_000_000_000;

    // Pairs the test driver refuses together, and rates that may not exceed their burst maximum.
    private static readonly string[] IoTuneExclusiveGroups = ["bytes_sec", "iops_sec", "bytes_sec_max", "iops_sec_max"];

    private static readonly string[] IoTuneCappedRates = ["total_bytes_sec", "read_bytes_sec", "write_bytes_sec", "total_iops_sec", "read_iops_sec", "write_iops_sec"];

    public override ValueTask DomainSetBlockIoTuneAsync(ServerCall call, DomainSetBlockIoTuneArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetBlockIoTune");
        ValidateParams(args.Params, [.. IoTuneFields.Select(field => (field, field == "group_name" ? 7 : 4))]);
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            XElement disk = FindDisk(definition, args.Disk, allowAmbiguous: true)
                ?? throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: missing persistent configuration for disk '{args.Disk}'");
            XElement? iotune = disk.Element("iotune");
            var values = IoTuneFields.Where(field => field != "group_name")
                .ToDictionary(field => field, field => ulong.TryParse((string?)iotune?.Element(field), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : 0);
            string? group = (string?)iotune?.Element("group_name");
            foreach (TypedParam param in args.Params)
            {
                if (param.Field == "group_name")
                {
                    group = param.Value.S;
                    continue;
                }

                if (param.Value.Ul > IoTuneMax)
                {
                    throw new LibvirtErrorException(ErrorCode.ArgumentUnsupported, ErrorDomain.Test, $"argument unsupported: block I/O throttle limit value must be no more than {IoTuneMax}");
                }

                values[param.Field] = param.Value.Ul;
            }

            foreach (string suffix in IoTuneExclusiveGroups)
            {
                if (values["total_" + suffix] != 0 && (values["read_" + suffix] != 0 || values["write_" + suffix] != 0))
                {
                    throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: total and read/write of {suffix} cannot be set at the same time");
                }
            }

            foreach (string rate in IoTuneCappedRates)
            {
                if (values[rate] > values[rate + "_max"])
                {
                    // libvirt's message ends with a space.
                    throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: {rate} cannot be set higher than {rate}_max ");
                }
            }

            // Written as libvirt formats it: non-zero values only, in the fixed order, and no element when all are unset.
            var replacement = new XElement("iotune", IoTuneFields.Select(field => field == "group_name"
                ? (group is null ? null : new XElement(field, group))
                : (values[field] == 0 ? null : new XElement(field, values[field].ToString(CultureInfo.InvariantCulture)))));
            PlaceIoTune(disk, replacement.HasElements ? replacement : null);
        }

        return default;
    }

    public override ValueTask DomainSetSchedulerParametersAsync(ServerCall call, DomainSetSchedulerParametersArgs args)
    {
        SetSchedulerWeight(args.Dom, args.Params, 0);
        return default;
    }

    public override ValueTask DomainSetSchedulerParametersFlagsAsync(ServerCall call, DomainSetSchedulerParametersFlagsArgs args)
    {
        SetSchedulerWeight(args.Dom, args.Params, args.Flags);
        return default;
    }

    public override ValueTask DomainSetPerfEventsAsync(ServerCall call, DomainSetPerfEventsArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetPerfEvents");
        ValidateParams(args.Params, [.. PerfEvents.Select(name => (name, 6))]);
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            Dictionary<string, bool> events = PerfEventStates(definition);
            foreach (TypedParam param in args.Params)
            {
                events[param.Field] = param.Value.B != 0;
            }

            XElement[] children = [.. PerfEvents.Where(events.ContainsKey)
                .Select(name => new XElement("event", new XAttribute("name", name), new XAttribute("enabled", events[name] ? "yes" : "no")))];
            definition.SetElement("perf", children.Length == 0 ? null : new XElement("perf", children));
        }

        return default;
    }

    /// <summary>The perf events the definition's &lt;perf&gt; element names, each enabled or not.</summary>
    private static Dictionary<string, bool> PerfEventStates(DomainDefinition definition)
    {
        var events = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (XElement element in definition.FindElement("perf")?.Elements("event") ?? [])
        {
            if ((string?)element.Attribute("name") is { } name && Array.IndexOf(PerfEvents, name) >= 0)
            {
                events[name] = (string?)element.Attribute("enabled") == "yes";
            }
        }

        return events;
    }

    /// <summary>The test driver accepts a weight and keeps nothing: schedinfo goes on reporting 50.</summary>
    private void SetSchedulerWeight(NonnullDomain handle, TypedParam[] parameters, uint flags)
    {
        CheckFlags(flags, 0, "testDomainSetSchedulerParametersFlags");
        ValidateParams(parameters, ("weight", 2));
        lock (_state.Gate)
        {
            _state.GetDomainLocked(handle);
        }
    }

    /// <summary>Puts a disk's &lt;iotune&gt; where libvirt writes it, right after &lt;target&gt;, or removes it.</summary>
    private static void PlaceIoTune(XElement disk, XElement? iotune)
    {
        XElement? existing = disk.Element("iotune");
        if (existing is not null)
        {
            if (iotune is null)
            {
                existing.Remove();
            }
            else
            {
                existing.ReplaceWith(iotune);
            }

            return;
        }

        if (iotune is null)
        {
            return;
        }

        if (disk.Element("target") is { } target)
        {
            target.AddAfterSelf(iotune);
        }
        else
        {
            disk.Add(iotune);
        }
    }
}
