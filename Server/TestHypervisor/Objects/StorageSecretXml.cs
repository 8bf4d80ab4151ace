using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// The parts of storage XML that name secrets: a pool source's &lt;auth&gt; and a volume target's &lt;encryption&gt;.
/// libvirt parses both into fixed fields and writes them back in its own attribute order (type before username,
/// format before engine), so they are rebuilt here rather than kept as written.
/// </summary>
internal static class StorageSecretXml
{
    private static readonly string[] AuthTypes = ["none", "chap", "ceph"];

    private static readonly string[] EncryptionFormats = ["default", "qcow", "luks", "luks2"];

    private static readonly string[] EncryptionEngines = ["default", "qemu", "librbd"];

    /// <summary>Reads a pool source's auth element as libvirt's pool parser does, in its order of checks.</summary>
    public static XElement ParsePoolAuth(XElement auth)
    {
        string username = (string?)auth.Attribute("username") is { Length: > 0 } user ? user : throw Xml("missing username for auth");
        string? type = (string?)auth.Attribute("type");
        if (type is { Length: > 0 } && Array.IndexOf(AuthTypes, type) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unknown auth type '{type}'");
        }

        XElement secret = auth.Element("secret") ?? throw Xml("Missing <secret> element in auth");
        XElement parsedSecret = ParseSecretLookup(secret, (string?)secret.Attribute("type"));
        if (type is null or "" or "none")
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, "unsupported configuration: storage pool missing auth type");
        }

        return new XElement("auth", new XAttribute("type", type), new XAttribute("username", username), parsedSecret);
    }

    /// <summary>Reads a volume target's encryption element; the result is written back as it stands.</summary>
    public static XElement ParseEncryption(XElement encryption)
    {
        string format = (string?)encryption.Attribute("format") is { Length: > 0 } given ? given : throw Xml("unknown volume encryption format");
        if (Array.IndexOf(EncryptionFormats, format) < 0)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unknown volume encryption format type {format}");
        }

        string? engine = (string?)encryption.Attribute("engine");
        if (engine is not null && Array.IndexOf(EncryptionEngines, engine) <= 0)
        {
            // The engine enum refuses its zero value ("default") as well as unknown names.
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'engine' in element 'encryption': '{engine}'.");
        }

        var result = new XElement("encryption", new XAttribute("format", format), engine is null ? null : new XAttribute("engine", engine));
        foreach (XElement secret in encryption.Elements("secret"))
        {
            string secretType = (string?)secret.Attribute("type") is { Length: > 0 } t ? t : throw Xml("unknown volume encryption secret type");
            if (secretType != "passphrase")
            {
                throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unknown volume encryption secret type {secretType}");
            }

            result.Add(ParseSecretLookup(secret, secretType));
        }

        if (format == "luks" && encryption.Element("cipher") is XElement cipher)
        {
            string name = (string?)cipher.Attribute("name") ?? throw Xml("cipher info missing 'name' attribute");
            string size = (string?)cipher.Attribute("size") ?? throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, "XML error: Missing required attribute 'size' in element 'cipher'");
            if (!uint.TryParse(size.TrimStart(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint sizeValue))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'size' in element 'cipher': '{size}'. Expected non-negative integer value");
            }

            result.Add(new XElement(
                "cipher",
                new XAttribute("name", name),
                new XAttribute("size", sizeValue.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                (string?)cipher.Attribute("mode") is string mode ? new XAttribute("mode", mode) : null,
                (string?)cipher.Attribute("hash") is string hash ? new XAttribute("hash", hash) : null));
        }

        if (format == "luks" && encryption.Element("ivgen") is XElement ivgen)
        {
            if (result.Element("cipher") is null)
            {
                throw Xml("ivgen element found, but cipher is missing");
            }

            string name = (string?)ivgen.Attribute("name") ?? throw Xml("missing ivgen info name string");
            result.Add(new XElement("ivgen", new XAttribute("name", name), (string?)ivgen.Attribute("hash") is string hash ? new XAttribute("hash", hash) : null));
        }

        return result;
    }

    /// <summary>A secret element naming its secret by uuid (normalised) or by usage, with libvirt's errors.</summary>
    private static XElement ParseSecretLookup(XElement secret, string? type)
    {
        string? uuid = (string?)secret.Attribute("uuid");
        string? usage = (string?)secret.Attribute("usage");
        if (uuid is null && usage is null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.None, "XML error: missing secret uuid or usage attribute");
        }

        if (uuid is not null && usage is not null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.None, "XML error: either secret uuid or usage expected");
        }

        XAttribute lookup;
        if (uuid is not null)
        {
            if (!TestUuid.TryParse(uuid, out Guid parsed))
            {
                throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.None, $"XML error: invalid secret uuid '{uuid}'");
            }

            lookup = new XAttribute("uuid", TestUuid.Format(parsed));
        }
        else
        {
            lookup = new XAttribute("usage", usage!);
        }

        return new XElement("secret", type is null ? null : new XAttribute("type", type), lookup);
    }

    private static LibvirtErrorException Xml(string message) => new(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: " + message);
}
