using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A network's or port group's &lt;virtualport&gt; as libvirt reads it: a known type (required at network level),
/// numeric and UUID parameters checked and rewritten in libvirt's form, parameters the type cannot take refused, and
/// only the parameters a type uses written back.
/// </summary>
internal static class NetworkVirtualPortXml
{
    private static readonly string[] Types = ["802.1Qbg", "802.1Qbh", "openvswitch", "midonet"];

    // libvirt keeps the profile id in a 40-byte buffer with its terminating NUL.
    private const int ProfileIdMax = 39;

    /// <summary>The element as libvirt writes it back, or null when it carries nothing to write.</summary>
    public static XElement? Parse(XElement node, bool requireType)
    {
        string? type = (string?)node.Attribute("type");
        if (type is not null && Array.IndexOf(Types, type) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.None, $"unsupported configuration: unknown virtualport type {type}");
        }

        if (type is null && requireType)
        {
            throw Xml("missing required virtualport type");
        }

        XElement? parameters = node.Element("parameters");
        uint? managerId = Number(parameters, "managerid", 0xff, "value of managerid out of range");
        uint? typeId = Number(parameters, "typeid", 0xffffff, "value for typeid out of range");
        uint? typeIdVersion = Number(parameters, "typeidversion", 0xff, "value of typeidversion out of range");
        string? instanceId = Uuid(parameters, "instanceid");
        string? profileId = (string?)parameters?.Attribute("profileid");
        if (profileId is not null && System.Text.Encoding.UTF8.GetByteCount(profileId) > ProfileIdMax)
        {
            throw Xml("profileid parameter too long");
        }

        string? interfaceId = Uuid(parameters, "interfaceid");
        CheckNoExtras(type, managerId, typeId, typeIdVersion, instanceId, profileId, interfaceId);

        bool qbgOrNone = type is null or "802.1Qbg";
        (string, string?)[] written =
        [
            ("managerid", qbgOrNone ? Text(managerId) : null),
            ("typeid", qbgOrNone ? Text(typeId) : null),
            ("typeidversion", qbgOrNone ? Text(typeIdVersion) : null),
            ("instanceid", qbgOrNone ? instanceId : null),
            ("interfaceid", type is null or "midonet" or "openvswitch" ? interfaceId : null),
            ("profileid", (type is null or "openvswitch" or "802.1Qbh") && !string.IsNullOrEmpty(profileId) ? profileId : null),
        ];
        bool noParameters = managerId is null && typeId is null && typeIdVersion is null && instanceId is null && string.IsNullOrEmpty(profileId) && interfaceId is null;
        if (type is null && noParameters)
        {
            return null;
        }

        var result = new XElement("virtualport", type is null ? null : new XAttribute("type", type));
        if (!noParameters)
        {
            result.Add(new XElement("parameters", written.Where(a => a.Item2 is not null).Select(a => new XAttribute(a.Item1, a.Item2!))));
        }

        return result;
    }

    private static void CheckNoExtras(string? type, uint? managerId, uint? typeId, uint? typeIdVersion, string? instanceId, string? profileId, string? interfaceId)
    {
        bool profile = !string.IsNullOrEmpty(profileId);
        string? extra = type switch
        {
            "802.1Qbg" => profile ? "profileid" : interfaceId is not null ? "interfaceid" : null,
            "802.1Qbh" => managerId is not null ? "managerid" : typeId is not null ? "typeid" : typeIdVersion is not null ? "typeidversion"
                : instanceId is not null ? "instanceid" : interfaceId is not null ? "interfaceid" : null,
            "openvswitch" => managerId is not null ? "managerid" : typeId is not null ? "typeid" : typeIdVersion is not null ? "typeidversion"
                : instanceId is not null ? "instanceid" : null,
            _ => null,
        };
        if (extra is not null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Net, $"XML error: extra {extra} unsupported in <virtualport type='{type}'>");
        }
    }

    private static uint? Number(XElement? parameters, string name, uint max, string tooLarge)
    {
        string? text = (string?)parameters?.Attribute(name);
        if (text is null)
        {
            return null;
        }

        if (!CNumber.TryParseUInt32Base0(text, out uint value))
        {
            throw Xml($"cannot parse value of {name} parameter");
        }

        return value <= max ? value : throw Xml(tooLarge);
    }

    private static string? Uuid(XElement? parameters, string name)
    {
        string? text = (string?)parameters?.Attribute(name);
        if (text is null)
        {
            return null;
        }

        return DomainDefinition.TryParseUuid(text, out byte[] uuid)
            ? DomainDefinition.FormatUuid(uuid)
            : throw Xml($"cannot parse {name} parameter as a uuid");
    }

    private static string? Text(uint? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.None, "XML error: " + message);
}
