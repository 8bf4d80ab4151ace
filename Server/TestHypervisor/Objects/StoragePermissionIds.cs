using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// The owner and group of a pool's or volume's permissions as libvirt reads and writes them: a number that fits a
/// uid/gid, or -1 for "unset" (which older libvirt wrote out and which is therefore still read), and unset ids are not
/// written back. libvirt prints the id as a signed int.
/// </summary>
internal static class StoragePermissionIds
{
    /// <summary>The text libvirt writes for <paramref name="element"/> (owner or group), or null when it writes none.</summary>
    public static string? Normalise(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        if (!long.TryParse(element.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            || (value != -1 && (value < 0 || value > uint.MaxValue)))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, $"XML error: malformed {element.Name.LocalName} element");
        }

        // -1 and its unsigned twin both mean "unset".
        return value is -1 or uint.MaxValue ? null : unchecked((int)(uint)value).ToString(CultureInfo.InvariantCulture);
    }
}
