using System.Globalization;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Setting an interface's bandwidth limits (domiftune), kept in its &lt;bandwidth&gt; element.</summary>
internal sealed partial class TestHandlers
{
    // libvirt writes a rate's attributes in this order, each only when set.
    private static readonly string[] RateAttributes = ["average", "peak", "floor", "burst"];

    public override ValueTask DomainSetInterfaceParametersAsync(ServerCall call, DomainSetInterfaceParametersArgs args)
    {
        CheckFlags(args.Flags, 3, "testDomainSetInterfaceParameters");
        ValidateParams(args.Params, [.. BandwidthFields.Select(f => (f, 2))]);
        lock (_state.Gate)
        {
            DomainDefinition definition = OneDefinition(_state.GetDomainLocked(args.Dom), args.Flags);
            XElement nic = FindInterface(definition, args.Device);
            var inbound = new Dictionary<string, uint>();
            var outbound = new Dictionary<string, uint>();
            foreach (TypedParam param in args.Params)
            {
                string[] parts = param.Field.Split('.');
                (parts[0] == "inbound" ? inbound : outbound)[parts[1]] = param.Value.Ui;
            }

            // An inbound rate needs an average or a floor, an outbound one an average; naming one as zero clears it.
            bool inSpecified = inbound.ContainsKey("average") || inbound.ContainsKey("floor");
            bool outSpecified = outbound.ContainsKey("average");
            XElement? newIn = inbound.GetValueOrDefault("average") != 0 || inbound.GetValueOrDefault("floor") != 0 ? Rate("inbound", inbound) : null;
            XElement? newOut = outbound.GetValueOrDefault("average") != 0 ? Rate("outbound", outbound) : null;

            XElement? bandwidth = nic.Element("bandwidth");
            if (bandwidth is null)
            {
                bandwidth = new XElement("bandwidth", newIn, newOut);
                XElement? after = nic.Elements().LastOrDefault(e => e.Name.LocalName is "mac" or "source" or "vlan" or "virtualport");
                if (after is null)
                {
                    nic.AddFirst(bandwidth);
                }
                else
                {
                    after.AddAfterSelf(bandwidth);
                }
            }
            else
            {
                XElement? oldIn = bandwidth.Element("inbound"), oldOut = bandwidth.Element("outbound");
                if (newIn is not null || inSpecified)
                {
                    oldIn?.Remove();
                }

                if (newOut is not null || outSpecified)
                {
                    oldOut?.Remove();
                }

                if (newIn is not null)
                {
                    bandwidth.AddFirst(newIn);
                }

                if (newOut is not null)
                {
                    bandwidth.Add(newOut);
                }
            }
        }

        return default;
    }

    private static XElement Rate(string name, Dictionary<string, uint> values)
        => new(name, RateAttributes.Where(a => values.GetValueOrDefault(a) != 0 && (name == "inbound" || a != "floor"))
            .Select(a => new XAttribute(a, values[a].ToString(CultureInfo.InvariantCulture))));
}
