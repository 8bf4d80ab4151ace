using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// The <c>sgio</c> and <c>rawio</c> attributes of disks and host devices, which only SCSI pass-through may carry:
/// their values are refused while the device is read, where they do not belong once the definition is validated.
/// </summary>
internal static class DomainScsiPassthrough
{
    /// <summary>The checks libvirt makes while it reads a disk or host device.</summary>
    public static void CheckWhileParsing(XElement device)
    {
        if (device.Name.LocalName == "disk")
        {
            TestXml.YesNo(device, "rawio");
            Sgio(device);
        }
        else if (device.Name.LocalName == "hostdev" && (string?)device.Attribute("mode") is null or "subsystem")
        {
            bool scsi = (string?)device.Attribute("type") == "scsi";
            if (Sgio(device) is not null && !scsi)
            {
                throw XmlError("sgio is only supported for scsi host device");
            }

            if (TestXml.YesNo(device, "rawio") is not null && !scsi)
            {
                throw XmlError("rawio is only supported for scsi host device");
            }
        }
    }

    /// <summary>The checks of a disk in the parsed definition: only a LUN may ask for raw or filtered SCSI I/O.</summary>
    public static void ValidateDisk(XElement disk)
    {
        string? sgio = (string?)disk.Attribute("sgio");
        if (sgio == "unfiltered")
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: unfiltered sgio is no longer supported");
        }

        if ((string?)disk.Attribute("device") == "lun")
        {
            ValidateLunSource(disk);
            return;
        }

        if (disk.Attribute("rawio") is not null)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: rawio can be used only with device='lun'");
        }

        if (sgio is not null)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: sgio can be used only with device='lun'");
        }
    }

    // A LUN passes SCSI commands to what backs it: a local block device, a pool volume or an iSCSI target, unformatted.
    private static void ValidateLunSource(XElement disk)
    {
        string? type = (string?)disk.Attribute("type");
        XElement? source = disk.Element("source");
        if (type == "network")
        {
            string protocol = (string?)source?.Attribute("protocol") ?? "none";
            if (protocol != "iscsi")
            {
                throw Unsupported($"disk device='lun' is not supported for protocol='{protocol}'");
            }
        }
        else if (type is not ("block" or "volume"))
        {
            throw Unsupported("disk device='lun' is only valid for block type disk source");
        }

        if ((string?)disk.Element("driver")?.Attribute("type") is string format && format != "raw")
        {
            throw Unsupported("disk device 'lun' must use 'raw' format");
        }

        if (source?.Element("slices")?.Elements("slice").Any(s => (string?)s.Attribute("type") == "storage") == true)
        {
            throw Unsupported("disk device 'lun' doesn't support storage slice");
        }

        if ((string?)source?.Element("encryption")?.Attribute("format") is string encryption && encryption != "default")
        {
            throw Unsupported("disk device 'lun' doesn't support encryption");
        }
    }

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: " + message);

    // "default" names the absence of the attribute and is refused when written.
    private static string? Sgio(XElement device)
    {
        string? value = (string?)device.Attribute("sgio");
        return value is null or "filtered" or "unfiltered"
            ? value
            : throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'sgio' in element '{device.Name.LocalName}': '{value}'.");
    }

    private static LibvirtErrorException XmlError(string message) => new(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: " + message);
}
