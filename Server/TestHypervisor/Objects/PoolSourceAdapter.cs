using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A pool source's <c>&lt;adapter&gt;</c> as libvirt reads, checks and writes it. Any pool's source may hold one and
/// it is always parsed; only pools that live on an adapter (scsi) check it and write it back. Without a type, a name
/// alone means a SCSI host (the old syntax), and the FC-only attributes are refused.
/// </summary>
internal static class PoolSourceAdapter
{
    /// <summary>Parses the adapter; returns it in libvirt's written form, or null when there is none (or no type).</summary>
    public static XElement? Parse(XElement? adapter)
    {
        if (adapter is null)
        {
            return null;
        }

        string? type = (string?)adapter.Attribute("type");
        if (type is null)
        {
            if (adapter.Attribute("wwnn") is not null || adapter.Attribute("wwpn") is not null || adapter.Attribute("parent") is not null)
            {
                throw Xml("Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'");
            }

            if (adapter.Element("parentaddr") is not null)
            {
                throw Xml("Use of 'parentaddr' element requires use of the adapter 'type'");
            }

            return (string?)adapter.Attribute("name") is string legacyName
                ? new XElement("adapter", new XAttribute("type", "scsi_host"), new XAttribute("name", legacyName))
                : null;
        }

        if (type is not ("scsi_host" or "fc_host"))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'type' in element 'adapter': '{type}'.");
        }

        return type == "fc_host" ? ParseFcHost(adapter) : ParseScsiHost(adapter);
    }

    /// <summary>The checks of a pool on an adapter: it must have one, complete for its type.</summary>
    public static void Validate(XElement? adapter)
    {
        if (adapter is null)
        {
            throw Xml("missing storage pool source adapter");
        }

        if ((string?)adapter.Attribute("type") == "fc_host")
        {
            string? wwnn = (string?)adapter.Attribute("wwnn");
            string? wwpn = (string?)adapter.Attribute("wwpn");
            if (wwnn is null || wwpn is null)
            {
                throw Xml("'wwnn' and 'wwpn' must be specified for adapter type 'fchost'");
            }

            CheckWwn(wwnn);
            CheckWwn(wwpn);
            string? parentWwnn = (string?)adapter.Attribute("parent_wwnn");
            string? parentWwpn = (string?)adapter.Attribute("parent_wwpn");
            if (parentWwnn is not null && parentWwpn is null)
            {
                throw Xml($"when providing parent_wwnn='{parentWwnn}', the parent_wwpn must also be provided");
            }

            if (parentWwnn is null && parentWwpn is not null)
            {
                throw Xml($"when providing parent_wwpn='{parentWwpn}', the parent_wwnn must also be provided");
            }

            foreach (string? wwn in (string?[])[parentWwnn, parentWwpn, (string?)adapter.Attribute("parent_fabric_wwn")])
            {
                if (wwn is not null)
                {
                    CheckWwn(wwn);
                }
            }

            return;
        }

        bool hasName = adapter.Attribute("name") is not null;
        bool hasParent = adapter.Element("parentaddr") is not null;
        if (!hasName && !hasParent)
        {
            throw Xml("Either 'name' or 'parent' must be specified for the 'scsi_host' adapter");
        }

        if (hasName && hasParent)
        {
            throw Xml("Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter");
        }
    }

    private static XElement ParseFcHost(XElement adapter)
    {
        string? managed = (string?)adapter.Attribute("managed");
        if (managed is not (null or "yes" or "no"))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'managed' in element 'adapter': '{managed}'.");
        }

        var result = new XElement("adapter", new XAttribute("type", "fc_host"));
        foreach (string name in (string[])["parent", "parent_wwnn", "parent_wwpn", "parent_fabric_wwn", "managed", "wwnn", "wwpn"])
        {
            if ((string?)adapter.Attribute(name) is string value)
            {
                result.Add(new XAttribute(name, value));
            }
        }

        return result;
    }

    private static XElement ParseScsiHost(XElement adapter)
    {
        var result = new XElement("adapter", new XAttribute("type", "scsi_host"));
        if ((string?)adapter.Attribute("name") is string name)
        {
            result.Add(new XAttribute("name", name));
        }

        if (adapter.Element("parentaddr") is XElement parent)
        {
            XElement address = parent.Element("address") ?? throw Xml("Missing scsi_host PCI address element");
            string? uniqueText = (string?)parent.Attribute("unique_id");
            if (!int.TryParse(uniqueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int uniqueId) || uniqueId < 0)
            {
                throw Xml("Missing or invalid scsi adapter 'unique_id' value");
            }

            result.Add(new XElement(
                "parentaddr",
                new XAttribute("unique_id", uniqueId.ToString(CultureInfo.InvariantCulture)),
                new XElement(
                    "address",
                    new XAttribute("domain", "0x" + Number(address, "domain").ToString("x4", CultureInfo.InvariantCulture)),
                    new XAttribute("bus", "0x" + Number(address, "bus").ToString("x2", CultureInfo.InvariantCulture)),
                    new XAttribute("slot", "0x" + Number(address, "slot").ToString("x2", CultureInfo.InvariantCulture)),
                    new XAttribute("function", "0x" + Number(address, "function").ToString(CultureInfo.InvariantCulture)))));
        }

        return result;
    }

    // PCI address parts are read with C's base detection: 0x for hex, a leading 0 for octal, else decimal.
    private static uint Number(XElement address, string name)
    {
        string text = (string?)address.Attribute(name) ?? "0";
        try
        {
            return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToUInt32(text[2..], 16)
                : text.Length > 1 && text[0] == '0' ? Convert.ToUInt32(text, 8)
                : uint.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute '{name}' in element 'address': '{text}'. Expected integer value");
        }
    }

    private static void CheckWwn(string wwn)
    {
        string digits = wwn.StartsWith("0x", StringComparison.Ordinal) ? wwn[2..] : wwn;
        if (digits.Length != 16 || !digits.All(char.IsAsciiHexDigit))
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.None, $"internal error: Malformed wwn: {wwn}");
        }
    }

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: " + message);
}
