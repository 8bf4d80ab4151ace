using System.Collections.Concurrent;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Cpu;

internal sealed record X86Vendor(string Name, X86CpuData Data);

internal sealed record X86Feature(string Name, X86CpuData Data, bool Migratable);

internal sealed record X86Model(string Name, bool DecodeGuest, X86Vendor? Vendor, X86CpuData Data, IReadOnlyList<string> RemovedFeatures);

/// <summary>
/// libvirt's x86 CPU map (vendors, features in file order, models in index order with their ancestry resolved), read
/// from the cpu_map directory libvirt installs and kept for the life of the process, as libvirtd keeps it.
/// </summary>
internal sealed class X86CpuMap
{
    private static readonly ConcurrentDictionary<string, Lazy<X86CpuMap>> Loaded = new();

    private X86CpuMap()
    {
    }

    public List<X86Vendor> Vendors { get; } = [];

    public List<X86Feature> Features { get; } = [];

    public List<X86Model> Models { get; } = [];

    public X86Vendor? FindVendor(string name) => Vendors.Find(v => v.Name == name);

    public X86Feature? FindFeature(string name) => Features.Find(f => f.Name == name);

    public X86Model? FindModel(string name) => Models.Find(m => m.Name == name);

    /// <summary>The map under <paramref name="directory"/>; a failed load is not kept, so it is retried next time.</summary>
    public static X86CpuMap Get(string directory)
    {
        Lazy<X86CpuMap> lazy = Loaded.GetOrAdd(directory, d => new Lazy<X86CpuMap>(() => Load(d)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Loaded.TryRemove(new KeyValuePair<string, Lazy<X86CpuMap>>(directory, lazy));
            throw;
        }
    }

    private static X86CpuMap Load(string directory)
    {
        var map = new X86CpuMap();
        foreach (XElement file in CpuMapFiles.Load(directory, "x86"))
        {
            foreach (XElement vendor in file.Elements("vendor"))
            {
                map.AddVendor(vendor);
            }

            foreach (XElement feature in file.Elements("feature"))
            {
                map.AddFeature(feature);
            }

            foreach (XElement model in file.Elements("model"))
            {
                map.AddModel(model);
            }
        }

        return map;
    }

    private void AddVendor(XElement element)
    {
        string name = CpuMapFiles.Name(element);
        string text = (string?)element.Attribute("string") ?? throw CpuMapFiles.Internal($"Missing vendor string for CPU vendor {name}");
        if (FindVendor(name) is not null)
        {
            throw CpuMapFiles.Internal($"CPU vendor {name} already defined");
        }

        if (Encoding.ASCII.GetByteCount(text) != 12)
        {
            throw CpuMapFiles.Internal($"Invalid CPU vendor string '{text}'");
        }

        // CPUID leaf 0 returns the 12 vendor characters in ebx, edx, ecx, little-endian.
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        var data = new X86CpuData();
        data.AddWord(false, 0, 0, 1, BitConverter.ToUInt32(bytes, 0));
        data.AddWord(false, 0, 0, 3, BitConverter.ToUInt32(bytes, 4));
        data.AddWord(false, 0, 0, 2, BitConverter.ToUInt32(bytes, 8));
        Vendors.Add(new X86Vendor(name, data));
    }

    private void AddFeature(XElement element)
    {
        string name = CpuMapFiles.Name(element);
        if (FindFeature(name) is not null)
        {
            throw CpuMapFiles.Internal($"CPU feature {name} already defined");
        }

        var data = new X86CpuData();
        foreach (XElement item in element.Elements())
        {
            switch (item.Name.LocalName)
            {
                case "alias":
                    break;
                case "cpuid":
                    data.AddWord(false, Number(item, "eax_in"), Number(item, "ecx_in"), 0, Number(item, "eax"));
                    data.AddWord(false, Number(item, "eax_in"), Number(item, "ecx_in"), 1, Number(item, "ebx"));
                    data.AddWord(false, Number(item, "eax_in"), Number(item, "ecx_in"), 2, Number(item, "ecx"));
                    data.AddWord(false, Number(item, "eax_in"), Number(item, "ecx_in"), 3, Number(item, "edx"));
                    break;
                default:
                    data.AddWord(true, Number(item, "index"), 0, 0, Number(item, "eax"));
                    data.AddWord(true, Number(item, "index"), 0, 3, Number(item, "edx"));
                    break;
            }
        }

        Features.Add(new X86Feature(name, data, (string?)element.Attribute("migratable") != "no"));
    }

    private void AddModel(XElement element)
    {
        string name = CpuMapFiles.Name(element);
        if (FindModel(name) is not null)
        {
            throw CpuMapFiles.Internal($"Multiple definitions of CPU model '{name}'");
        }

        XElement decode = element.Element("decode") ?? throw CpuMapFiles.Internal($"missing decode element in CPU model {name}");
        bool decodeGuest = (string?)decode.Attribute("guest") == "on";
        X86Vendor? vendor = null;
        var data = new X86CpuData();
        if (element.Element("model") is { } ancestorElement)
        {
            string ancestorName = (string?)ancestorElement.Attribute("name") ?? throw CpuMapFiles.Internal($"Missing ancestor's name in CPU model {name}");
            X86Model ancestor = FindModel(ancestorName) ?? throw CpuMapFiles.Internal($"Ancestor model {ancestorName} not found for CPU model {name}");
            vendor = ancestor.Vendor;
            data = ancestor.Data.Copy();
        }

        if (element.Element("vendor") is { } vendorElement)
        {
            string vendorName = (string?)vendorElement.Attribute("name") ?? throw CpuMapFiles.Internal($"Invalid vendor element in CPU model {name}");
            vendor = FindVendor(vendorName) ?? throw CpuMapFiles.Internal($"Unknown vendor {vendorName} referenced by CPU model {name}");
        }

        var removed = new List<string>();
        foreach (XElement feature in element.Elements("feature"))
        {
            string featureName = (string?)feature.Attribute("name") ?? throw CpuMapFiles.Internal($"Missing feature name for CPU model {name}");
            X86Feature known = FindFeature(featureName) ?? throw CpuMapFiles.Internal($"Feature {featureName} required by CPU model {name} not found");
            if ((string?)feature.Attribute("removed") == "yes")
            {
                removed.Add(featureName);
            }
            else
            {
                data.Add(known.Data);
            }
        }

        Models.Add(new X86Model(name, decodeGuest, vendor, data, removed));
    }

    // The map writes these as C numbers: hexadecimal with 0x, otherwise decimal.
    private static uint Number(XElement element, string attribute)
    {
        string? text = (string?)element.Attribute(attribute);
        if (text is null)
        {
            return 0;
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? Convert.ToUInt32(text[2..], 16)
            : uint.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}
