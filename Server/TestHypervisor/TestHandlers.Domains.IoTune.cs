using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>The interface bandwidth (domiftune) and disk throttling (blkdeviotune) readouts.</summary>
internal sealed partial class TestHandlers
{
    private static readonly string[] BandwidthFields = ["inbound.average", "inbound.peak", "inbound.burst", "inbound.floor", "outbound.average", "outbound.peak", "outbound.burst"];

    private static readonly string[] IoTuneFields =
    [
        "total_bytes_sec", "read_bytes_sec", "write_bytes_sec", "total_iops_sec", "read_iops_sec", "write_iops_sec",
        "total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max", "total_iops_sec_max", "read_iops_sec_max",
        "write_iops_sec_max", "size_iops_sec", "group_name", "total_bytes_sec_max_length", "read_bytes_sec_max_length",
        "write_bytes_sec_max_length", "total_iops_sec_max_length", "read_iops_sec_max_length", "write_iops_sec_max_length",
    ];

    public override ValueTask<DomainGetInterfaceParametersRet> DomainGetInterfaceParametersAsync(ServerCall call, DomainGetInterfaceParametersArgs args)
    {
        CheckFlags(args.Flags, 3 | StringOkay, "testDomainGetInterfaceParameters");
        if (args.Nparams == 0)
        {
            return new(new DomainGetInterfaceParametersRet { Params = [], Nparams = BandwidthFields.Length });
        }

        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags & 3);
            XElement? bandwidth = FindInterface(definition, args.Device).Element("bandwidth");
            TypedParam[] values = [.. BandwidthFields.Take(args.Nparams).Select(field =>
            {
                string[] parts = field.Split('.');
                uint value = uint.TryParse((string?)bandwidth?.Element(parts[0])?.Attribute(parts[1]), NumberStyles.None, CultureInfo.InvariantCulture, out uint v) ? v : 0;
                return new TypedParam { Field = field, Value = new TypedParamValue { Type = 2, Ui = value } };
            })];
            return new(new DomainGetInterfaceParametersRet { Params = values });
        }
    }

    public override ValueTask<DomainGetBlockIoTuneRet> DomainGetBlockIoTuneAsync(ServerCall call, DomainGetBlockIoTuneArgs args)
    {
        CheckFlags(args.Flags, 3 | StringOkay, "testDomainGetBlockIoTune");
        if (args.Nparams == 0)
        {
            return new(new DomainGetBlockIoTuneRet { Params = [], Nparams = IoTuneFields.Length });
        }

        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags & 3);
            string path = args.Disk ?? string.Empty;
            XElement disk = FindDisk(definition, path, allowAmbiguous: true)
                ?? throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"invalid argument: disk '{path}' was not found in the domain config");
            XElement? iotune = disk.Element("iotune");
            TypedParam[] values = [.. IoTuneFields.Take(args.Nparams)
                .Select(field => field == "group_name"
                    ? StringParam(field, (string?)iotune?.Element(field) ?? string.Empty)
                    : UllongParam(field, ulong.TryParse((string?)iotune?.Element(field), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : 0))
                .Where(p => p.Value.Type != 7 || (args.Flags & StringOkay) != 0)];
            return new(new DomainGetBlockIoTuneRet { Params = values });
        }
    }
}
