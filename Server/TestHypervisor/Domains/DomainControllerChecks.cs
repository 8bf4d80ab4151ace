using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// libvirt's refusals for controllers: a negative index while parsing, two controllers of one type at one index
/// (USB excepted, whose companions share an index) in its post-parse, and the PCI controller rules of its
/// validation (root buses take no address; target index 0 belongs to controller 0 alone; controller 0 has no
/// NUMA node).
/// </summary>
internal static class DomainControllerChecks
{
    public static void CheckAtParse(IReadOnlyList<XElement> devices)
    {
        foreach (XElement controller in Controllers(devices))
        {
            if ((string?)controller.Attribute("index") is string text
                && int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int index) && index < 0)
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'index' in element 'controller': '{text}'. Expected non-negative value");
            }
        }
    }

    /// <summary>Two controllers of one type (USB aside) may not claim the same index; libvirt checks it before adding implicit devices.</summary>
    public static void CheckDuplicates(IEnumerable<XElement> controllers)
    {
        var seen = new HashSet<(string, int)>();
        foreach (XElement controller in controllers)
        {
            string type = (string?)controller.Attribute("type") ?? "ide";
            if (type != "usb" && Index(controller) is int index && !seen.Add((type, index)))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Domain, $"XML error: Multiple '{type}' controllers with index '{index}'");
            }
        }
    }

    public static void Check(IReadOnlyList<XElement> devices)
    {
        foreach (XElement controller in Controllers(devices).Where(c => (string?)c.Attribute("type") == "pci"))
        {
            CheckPci(controller, Index(controller) ?? 0);
        }
    }

    private static void CheckPci(XElement controller, int index)
    {
        if ((string?)controller.Attribute("model") is "pci-root" or "pcie-root" && controller.Element("address") is not null)
        {
            throw Unsupported("pci-root and pcie-root controllers should not have an address");
        }

        XElement? target = controller.Element("target");
        if (Number((string?)target?.Attribute("index")) is int targetIndex)
        {
            if (targetIndex > 30)
            {
                throw Unsupported($"PCI controller target index '{targetIndex}' out of range - must be 0-30");
            }

            if ((index == 0) != (targetIndex == 0))
            {
                throw Unsupported("Only the PCI controller with index 0 can have target index 0, and vice versa");
            }
        }

        if (index == 0 && Number(target?.Element("node")?.Value) is >= 0)
        {
            throw Unsupported("The PCI controller with index=0 can't be associated with a NUMA node");
        }
    }

    private static IEnumerable<XElement> Controllers(IReadOnlyList<XElement> devices) => devices.Where(d => d.Name.LocalName == "controller");

    private static int? Index(XElement controller) => Number((string?)controller.Attribute("index"));

    private static int? Number(string? text)
        => int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: " + message);
}
