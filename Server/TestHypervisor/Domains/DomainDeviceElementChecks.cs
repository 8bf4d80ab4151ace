using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// Child elements some devices must have, or may have only together, as libvirt's device parsers require: a TPM
/// needs exactly one backend, and a shared memory device's MSI option needs its server.
/// </summary>
internal static class DomainDeviceElementChecks
{
    public static void Check(IReadOnlyList<XElement> devices)
    {
        foreach (XElement device in devices)
        {
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

    private static LibvirtErrorException XmlError(string message) => new(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: " + message);
}
