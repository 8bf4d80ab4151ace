using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A storage volume. libvirt's test driver keeps only metadata; this one also keeps the bytes written by uploads
/// (reads beyond them are zeros up to the capacity), so download and upload work in memory.
/// </summary>
internal sealed class TestStorageVolume
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    public required ulong Capacity { get; init; }

    public required ulong Allocation { get; init; }

    public string? Format { get; init; }

    /// <summary>The written bytes (a prefix of the volume); guarded by <see cref="TestState.Gate"/>.</summary>
    public byte[] Content { get; set; } = [];

    /// <summary>Parses volume XML; <paramref name="pool"/> supplies the default format and the path.</summary>
    public static TestStorageVolume Parse(string xml, TestStoragePool pool)
    {
        XElement root = TestXml.ParseRoot(xml, "storage_volume_definition", "volume", ErrorDomain.Storage);
        string? name = root.Element("name")?.Value;
        if (string.IsNullOrEmpty(name))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: missing volume name element");
        }

        XElement capacity = root.Element("capacity") ?? throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, "XML error: missing capacity element");
        ulong bytes = Scaled(capacity, "capacity");
        ulong allocation = root.Element("allocation") is XElement a ? Scaled(a, "allocation") : bytes;
        string? format = (string?)root.Element("target")?.Element("format")?.Attribute("type");
        if (format is null && pool.VolumeType == 0)
        {
            format = "raw";
        }

        return new TestStorageVolume
        {
            Name = name,
            Path = $"{pool.TargetPath}/{name}",
            Capacity = bytes,
            Allocation = allocation,
            Format = format,
        };
    }

    /// <summary>Formats the volume as libvirt's volume formatter lays it out.</summary>
    public string FormatXml(TestStoragePool pool)
    {
        var w = new LibvirtXmlWriter();
        w.Open("volume", ("type", pool.VolumeType switch { 0 => "file", 3 => "network", _ => "block" }));
        w.Text("name", Name);
        w.Text("key", Path);
        w.Bytes("capacity", Capacity);
        w.Bytes("allocation", Allocation);
        w.Open("target");
        w.Text("path", Path);
        if (Format is not null)
        {
            w.Empty("format", ("type", Format));
        }

        w.Close("target");
        w.Close("volume");
        return w.ToString();
    }

    // libvirt's size units: bytes by default, k/m/g/... powers of 1024 and kb/mb/... powers of 1000.
    private static ulong Scaled(XElement element, string what)
    {
        string unit = ((string?)element.Attribute("unit") ?? "b").ToLowerInvariant();
        if (!ulong.TryParse(element.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Storage, $"XML error: malformed {what} element");
        }

        ulong scale = unit switch
        {
            "b" or "byte" or "bytes" => 1,
            "k" or "kib" => 1UL << 10,
            "kb" => 1000,
            "m" or "mib" => 1UL << 20,
            "mb" => 1000_000,
            "g" or "gib" => 1UL << 30,
            "gb" => 1000_000_000,
            "t" or "tib" => 1UL << 40,
            "tb" => 1000_000_000_000,
            "p" or "pib" => 1UL << 50,
            "pb" => 1000_000_000_000_000,
            "e" or "eib" => 1UL << 60,
            "eb" => 1000_000_000_000_000_000,
            _ => throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.None, $"invalid argument: unknown suffix '{unit}'"),
        };
        return checked(value * scale);
    }
}
