using System.Globalization;
using System.Text;

namespace LibvirtRemote.Server.TestHypervisor.Cpu;

/// <summary>A computed guest CPU (mode custom, match exact) and libvirt's way of writing it.</summary>
internal sealed class GuestCpu(string model)
{
    public string Model { get; set; } = model;

    public string? Vendor { get; set; }

    public bool ForbidFallback { get; set; }

    /// <summary>Feature name and policy ("require" or "disable"), in the order they were found.</summary>
    public List<(string Name, string Policy)> Features { get; set; } = [];

    public void AddFeatureIfMissing(string name, string policy)
    {
        if (!Features.Exists(f => f.Name == name))
        {
            Features.Add((name, policy));
        }
    }

    public string Format()
    {
        var text = new StringBuilder("<cpu mode='custom' match='exact'>\n");
        text.Append(CultureInfo.InvariantCulture, $"  <model fallback='{(ForbidFallback ? "forbid" : "allow")}'>{Escape(Model)}</model>\n");
        if (Vendor is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  <vendor>{Escape(Vendor)}</vendor>\n");
        }

        foreach ((string name, string policy) in Features)
        {
            text.Append(CultureInfo.InvariantCulture, $"  <feature policy='{policy}' name='{Escape(name)}'/>\n");
        }

        return text.Append("</cpu>\n").ToString();
    }

    private static string Escape(string value)
        => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("'", "&apos;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);
}
