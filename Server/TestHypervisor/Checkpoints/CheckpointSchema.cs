using System.Text.RegularExpressions;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Checkpoints;

/// <summary>
/// The part of libvirt's domaincheckpoint.rng that client XML commonly breaks, reported with the messages libxml2's
/// validator gives for it. The nested domain is not checked here; its own parser has the final word.
/// </summary>
internal static partial class CheckpointSchema
{
    private const string Prefix = "XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domaincheckpoint.rng\n";

    public static void Validate(XElement root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (XElement child in root.Elements())
        {
            string name = child.Name.LocalName;
            if (name is not ("name" or "description" or "creationTime" or "disks" or "domain" or "parent"))
            {
                throw Invalid($"Element domaincheckpoint has extra content: {name}\n");
            }

            if (!seen.Add(name) || !ContentValid(child))
            {
                throw Invalid($"Extra element {name} in interleave\nElement domaincheckpoint failed to validate content\n");
            }
        }
    }

    private static bool ContentValid(XElement element) => element.Name.LocalName switch
    {
        "name" => IsCheckpointName(element),
        "description" => !element.HasElements,
        "creationTime" => !element.HasElements && UnsignedLong().IsMatch(element.Value),
        "disks" => element.Elements().Any() && element.Elements().All(DiskValid),
        "parent" => element.Elements().Count() == 1 && element.Element("name") is { } name && IsCheckpointName(name),
        _ => true,
    };

    private static bool IsCheckpointName(XElement element) => !element.HasElements && CheckpointName().IsMatch(element.Value);

    private static bool DiskValid(XElement disk)
    {
        if (disk.Name.LocalName != "disk" || disk.HasElements)
        {
            return false;
        }

        string? name = (string?)disk.Attribute("name");
        if (name is null || !(DiskTarget().IsMatch(name) || AbsolutePath().IsMatch(name)))
        {
            return false;
        }

        string? type = (string?)disk.Attribute("checkpoint");
        bool extras = disk.Attribute("bitmap") is not null || disk.Attribute("size") is not null;
        if (type == "no" ? extras : type is not (null or "bitmap"))
        {
            return false;
        }

        if (disk.Attribute("size") is { } size && !UnsignedLong().IsMatch(size.Value))
        {
            return false;
        }

        return disk.Attributes().All(a => a.Name.LocalName is "name" or "checkpoint" or "bitmap" or "size");
    }

    private static LibvirtErrorException Invalid(string detail)
        => new(ErrorCode.XmlInvalidSchema, ErrorDomain.Xml, Prefix + detail);

    [GeneratedRegex(@"^[a-zA-Z0-9_\-][a-zA-Z0-9_\-.]*$")]
    private static partial Regex CheckpointName();

    [GeneratedRegex(@"^\s*[0-9]+\s*$")]
    private static partial Regex UnsignedLong();

    [GeneratedRegex(@"^(ioemu:)?(fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+$")]
    private static partial Regex DiskTarget();

    [GeneratedRegex(@"^(/|[a-zA-Z]:\\).+$")]
    private static partial Regex AbsolutePath();
}
