using System.Collections.Concurrent;
using System.Xml.Linq;

namespace LibvirtRemote.Server.TestHypervisor.Cpu;

/// <summary>libvirt's ppc64 CPU map as far as its baseline uses it: vendor names and each model's vendor.</summary>
internal sealed class Ppc64CpuMap
{
    private static readonly ConcurrentDictionary<string, Lazy<Ppc64CpuMap>> Loaded = new();

    public List<string> Vendors { get; } = [];

    /// <summary>Model name → its vendor (null when the model names none), in map order.</summary>
    public List<(string Name, string? Vendor)> Models { get; } = [];

    public static Ppc64CpuMap Get(string directory)
    {
        Lazy<Ppc64CpuMap> lazy = Loaded.GetOrAdd(directory, d => new Lazy<Ppc64CpuMap>(() => Load(d)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Loaded.TryRemove(new KeyValuePair<string, Lazy<Ppc64CpuMap>>(directory, lazy));
            throw;
        }
    }

    private static Ppc64CpuMap Load(string directory)
    {
        var map = new Ppc64CpuMap();
        foreach (XElement file in CpuMapFiles.Load(directory, "ppc64"))
        {
            foreach (XElement vendor in file.Elements("vendor"))
            {
                map.Vendors.Add(CpuMapFiles.Name(vendor));
            }

            foreach (XElement model in file.Elements("model"))
            {
                string name = CpuMapFiles.Name(model);
                string? vendor = (string?)model.Element("vendor")?.Attribute("name");
                if (vendor is not null && !map.Vendors.Contains(vendor))
                {
                    throw CpuMapFiles.Internal($"Unknown vendor {vendor} referenced by CPU model {name}");
                }

                map.Models.Add((name, vendor));
            }
        }

        return map;
    }
}
