using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// The firmware rules libvirt's domain validation applies to &lt;os&gt; when a definition is read: what a loader may
/// state under firmware autoselection, that manual selection needs a loader path, and which loaders may keep NVRAM.
/// The test driver supports autoselection, so firmware='bios|efi' passes; its errors carry no prefix (XML detail).
/// </summary>
internal static class DomainOsValidation
{
    public static void Check(XElement os)
    {
        string? firmware = (string?)os.Attribute("firmware");
        if (firmware is not ("bios" or "efi"))
        {
            firmware = null;
        }

        // Without firmware='...' libvirt skips the <firmware><feature> list when defining, so only then it is checked.
        if (firmware is not null)
        {
            CheckFirmwareFeatures(os.Element("firmware"));
        }

        XElement? loader = os.Element("loader");
        XElement? nvram = os.Element("nvram");
        if (loader is null && nvram is null)
        {
            return;
        }

        bool hasNvram = nvram is not null && (nvram.Attribute("type") is not null || nvram.Value.Length > 0);
        bool hasTemplate = nvram?.Attribute("template") is not null;
        string? path = loader?.Value is { Length: > 0 } text ? text : null;

        // A loader with a path and no type is a ROM after libvirt's post-parse, which runs before these checks.
        string? loaderType = (string?)loader?.Attribute("type") ?? (path is null ? null : "rom");
        if (firmware is not null)
        {
            if (TestXml.YesNo(loader, "readonly") is not null)
            {
                throw Detail("loader attribute 'readonly' cannot be specified when firmware autoselection is enabled");
            }

            if (loaderType is not null)
            {
                throw Detail("loader attribute 'type' cannot be specified when firmware autoselection is enabled");
            }

            if (path is not null)
            {
                throw Detail("loader path cannot be specified when firmware autoselection is enabled");
            }

            if (hasTemplate)
            {
                throw Detail("nvram attribute 'template' cannot be specified when firmware autoselection is enabled");
            }

            if (TestXml.YesNo(loader, "secure") == "no")
            {
                throw Detail("loader attribute 'secure' cannot be specified when firmware autoselection is enabled");
            }

            if (hasNvram && firmware != "efi")
            {
                throw Detail($"firmware type '{firmware}' does not support nvram");
            }
        }
        else if (path is null)
        {
            throw Detail("no loader path specified and firmware auto selection disabled");
        }

        switch (TestXml.YesNo(loader, "stateless"))
        {
            case "yes" when hasTemplate:
                throw Detail("NVRAM template is not permitted when loader is stateless");
            case "yes" when hasNvram:
                throw Detail("NVRAM is not permitted when loader is stateless");
            case "no" when firmware is null && loaderType != "pflash":
                throw Detail("Only pflash loader type permits NVRAM");
            case "no" when firmware is not null && firmware != "efi":
                throw Detail("Only EFI firmware permits NVRAM");
        }
    }

    private static void CheckFirmwareFeatures(XElement? list)
    {
        XElement[] features = list?.Elements("feature").ToArray() ?? [];
        string? Enabled(string name) => features.LastOrDefault(f => (string?)f.Attribute("name") == name) is XElement f ? (string?)f.Attribute("enabled") : null;
        if (Enabled("enrolled-keys") == "yes" && Enabled("secure-boot") == "no")
        {
            throw Detail("firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled");
        }
    }

    private static LibvirtErrorException Detail(string message) => new(ErrorCode.XmlDetail, ErrorDomain.Domain, message);
}
