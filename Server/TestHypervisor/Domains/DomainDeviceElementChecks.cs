using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Child elements some devices must have, or may have only together, as libvirt's device parsers require: a TPM
/// needs exactly one backend, and a shared memory device's MSI option needs its server. Also the driver queue count
/// of disks, controllers and interfaces, which libvirt reads as an unsigned decimal number.
/// </summary>
internal static class DomainDeviceElementChecks
{
    public static void Check(IReadOnlyList<XElement> devices)
    {
        foreach (XElement device in devices)
        {
            if (device.Name.LocalName is "disk" or "controller" or "interface"
                && (string?)device.Element("driver")?.Attribute("queues") is string queues && !UnsignedDecimal(queues))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'queues' in element 'driver': '{queues}'. Expected non-negative integer value");
            }

            switch (device.Name.LocalName)
            {
                case "tpm" when device.Elements("backend").Count() > 1:
                    throw XmlError("only one TPM backend is supported");
                case "tpm" when device.Element("backend") is null:
                    throw XmlError("missing TPM device backend");
                case "shmem" when device.Element("msi") is not null && device.Element("server") is null:
                    throw XmlError("msi option is only supported with a server");
            }
        }
    }

    // strtoul's form without a minus sign: leading white space, an optional '+', digits that fit 32 bits.
    private static bool UnsignedDecimal(string text)
    {
        string digits = text.TrimStart();
        digits = digits.StartsWith('+') ? digits[1..] : digits;
        return digits.Length > 0 && digits.All(char.IsAsciiDigit) && uint.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
    }

    private static LibvirtErrorException XmlError(string message) => new(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: " + message);
}
