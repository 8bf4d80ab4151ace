using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// A network's or port group's &lt;bandwidth&gt; as libvirt reads it: one inbound and one outbound at most, each with
/// an average (or an inbound floor, which networks refuse), numbers in base 10 written back plainly, zero values and
/// unknown children dropped.
/// </summary>
internal static class NetworkBandwidthXml
{
    /// <summary>The element as libvirt writes it back, or null when it has neither inbound nor outbound.</summary>
    public static XElement? Parse(XElement bandwidth)
    {
        if (bandwidth.Attribute("classID") is not null)
        {
            throw new LibvirtErrorException(ErrorCode.XmlDetail, ErrorDomain.None, "classID attribute not supported on <bandwidth> in this usage context");
        }

        XElement? inbound = null;
        XElement? outbound = null;
        foreach (XElement child in bandwidth.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "inbound":
                    inbound = inbound is null ? child : throw Detail("Only one child <inbound> element allowed");
                    break;
                case "outbound":
                    outbound = outbound is null ? child : throw Detail("Only one child <outbound> element allowed");
                    break;
            }
        }

        Rate? inRate = inbound is null ? null : ParseRate(inbound);
        if (inRate is { Floor: not 0 })
        {
            throw Unsupported("floor attribute is not supported for this config");
        }

        Rate? outRate = outbound is null ? null : ParseRate(outbound);
        if (outRate is { Floor: not 0 })
        {
            throw Unsupported("'floor' attribute allowed only in <inbound> element");
        }

        if (inRate is null && outRate is null)
        {
            return null;
        }

        return new XElement("bandwidth", inRate?.Write("inbound"), outRate?.Write("outbound"));
    }

    private static Rate ParseRate(XElement node)
    {
        string? average = (string?)node.Attribute("average");
        string? peak = (string?)node.Attribute("peak");
        string? burst = (string?)node.Attribute("burst");
        string? floor = (string?)node.Attribute("floor");
        if (average is null && floor is null)
        {
            throw Detail("Missing mandatory average or floor attributes");
        }

        if ((peak is not null || burst is not null) && average is null)
        {
            throw Unsupported("'peak' and 'burst' require 'average' attribute");
        }

        return new Rate(Value(average, "average"), Value(peak, "peak"), Value(burst, "burst"), Value(floor, "floor"));
    }

    private static ulong Value(string? text, string name)
    {
        if (text is null)
        {
            return 0;
        }

        return CNumber.TryParseDecimal(text, out ulong value) ? value : throw Unsupported($"could not convert bandwidth {name} value '{text}'");
    }

    private static LibvirtErrorException Detail(string message) => new(ErrorCode.XmlDetail, ErrorDomain.None, message);

    private static LibvirtErrorException Unsupported(string message) => new(ErrorCode.ConfigUnsupported, ErrorDomain.None, "unsupported configuration: " + message);

    private sealed record Rate(ulong Average, ulong Peak, ulong Burst, ulong Floor)
    {
        // libvirt writes a rate only when it has an average or a floor, and leaves out every zero.
        public XElement? Write(string name) => Average == 0 && Floor == 0 ? null : new XElement(
            name,
            Attribute("average", Average),
            Attribute("peak", Peak),
            Attribute("floor", Floor),
            Attribute("burst", Burst));

        private static XAttribute? Attribute(string name, ulong value) => value == 0 ? null : new XAttribute(name, value.ToString(CultureInfo.InvariantCulture));
    }
}
