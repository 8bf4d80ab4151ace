using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>
/// Block I/O tuning (blkiotune): the weight and per-device limits kept in the domain's &lt;blkiotune&gt; element,
/// changed and read back the way libvirt's shared driver helpers do.
/// </summary>
internal sealed partial class TestHandlers
{
    // Typed-parameter names and the <device> child elements they map to, in libvirt's order.
    private static readonly (string Field, string Element)[] BlkioDeviceFields =
    [
        ("device_weight", "weight"), ("device_read_iops_sec", "read_iops_sec"), ("device_write_iops_sec", "write_iops_sec"),
        ("device_read_bytes_sec", "read_bytes_sec"), ("device_write_bytes_sec", "write_bytes_sec"),
    ];

    public override ValueTask DomainSetBlkioParametersAsync(ServerCall call, DomainSetBlkioParametersArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetBlkioParameters");
        ValidateParams(args.Params, [("weight", 2), .. BlkioDeviceFields.Select(f => (f.Field, 7))]);
        LibvirtErrorException? failure = null;
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            (uint weight, List<Dictionary<string, string>> devices) = ReadBlkio(definition);
            foreach (TypedParam param in args.Params)
            {
                if (param.Field == "weight")
                {
                    weight = param.Value.Ui;
                    continue;
                }

                // A malformed list fails the call but, as in libvirt, the other parameters still apply.
                string element = BlkioDeviceFields.First(f => f.Field == param.Field).Element;
                try
                {
                    foreach ((string path, string value) in ParseBlkioDevices(param.Value.S, param.Field))
                    {
                        Dictionary<string, string>? device = devices.Find(d => d["path"] == path);
                        if (device is null)
                        {
                            if (value == "0")
                            {
                                continue;
                            }

                            device = new Dictionary<string, string> { ["path"] = path };
                            devices.Add(device);
                        }

                        device[element] = value;
                    }
                }
                catch (LibvirtErrorException e)
                {
                    failure ??= e;
                }
            }

            WriteBlkio(definition, weight, devices);
        }

        return failure is null ? default : throw failure;
    }

    private static (uint Weight, List<Dictionary<string, string>> Devices) ReadBlkio(DomainDefinition definition)
    {
        XElement? blkio = definition.FindElement("blkiotune");
        uint weight = uint.TryParse((string?)blkio?.Element("weight"), NumberStyles.None, CultureInfo.InvariantCulture, out uint w) ? w : 0;
        List<Dictionary<string, string>> devices = [.. (blkio?.Elements("device") ?? []).Select(d => d.Elements().ToDictionary(e => e.Name.LocalName, e => e.Value.Trim()))];
        List<Dictionary<string, string>> ordered = [.. definition.Tuning.BlkioDevicePaths.Select(path =>
            devices.Find(d => d.GetValueOrDefault("path") == path) ?? new Dictionary<string, string> { ["path"] = path })];
        ordered.AddRange(devices.Where(d => !definition.Tuning.BlkioDevicePaths.Contains(d.GetValueOrDefault("path") ?? string.Empty)));
        return (weight, ordered);
    }

    private static void WriteBlkio(DomainDefinition definition, uint weight, List<Dictionary<string, string>> devices)
    {
        var blkio = new XElement("blkiotune");
        if (weight != 0)
        {
            blkio.Add(new XElement("weight", weight.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (Dictionary<string, string> device in devices)
        {
            XElement[] values = [.. BlkioDeviceFields.Where(f => device.TryGetValue(f.Element, out string? v) && v != "0").Select(f => new XElement(f.Element, device[f.Element]))];
            if (values.Length > 0)
            {
                blkio.Add(new XElement("device", new XElement("path", device["path"]), values));
            }
        }

        definition.SetElement("blkiotune", blkio.HasElements ? blkio : null);
        definition.Tuning.BlkioDevicePaths.Clear();
        definition.Tuning.BlkioDevicePaths.AddRange(devices.Select(d => d["path"]));
    }

    /// <summary>The blkio readout: weight, then each device list as "path,value,..." of the devices that set it.</summary>
    private static TypedParam[] BlkioParameters(DomainDefinition definition)
    {
        (uint weight, List<Dictionary<string, string>> devices) = ReadBlkio(definition);
        return
        [
            new() { Field = "weight", Value = new TypedParamValue { Type = 2, Ui = weight } },
            .. BlkioDeviceFields.Select(f => StringParam(f.Field, string.Join(',', devices
                .Where(d => d.TryGetValue(f.Element, out string? v) && v != "0")
                .Select(d => d["path"] + "," + d[f.Element])))),
        ];
    }

    /// <summary>Parses "path,value[,path,value...]" as virDomainDriverParseBlkioDeviceStr does.</summary>
    private static List<(string Path, string Value)> ParseBlkioDevices(string text, string field)
    {
        var result = new List<(string, string)>();
        if (text.Length == 0)
        {
            return result;
        }

        if (text.Count(c => c == ',') % 2 == 0)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: unable to parse blkio device '{field}' '{text}'");
        }

        bool wide = field.EndsWith("bytes_sec", StringComparison.Ordinal);
        string[] parts = text.Split(',');
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            string? value = wide
                ? (ulong.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong big) ? big.ToString(CultureInfo.InvariantCulture) : null)
                : (uint.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out uint small) ? small.ToString(CultureInfo.InvariantCulture) : null);
            if (value is null)
            {
                string rest = string.Join(',', parts[(i + 1)..]);
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Domain, $"invalid argument: invalid value '{rest}' for parameter '{field}' of device '{parts[i]}'");
            }

            result.Add((parts[i], value));
        }

        return result;
    }
}
