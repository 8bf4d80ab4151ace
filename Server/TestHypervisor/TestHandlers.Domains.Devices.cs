using System.Globalization;
using System.Net;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Streams;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>What the test driver reports about a domain's devices: guest interface addresses and the screen.</summary>
internal sealed partial class TestHandlers
{
    public override ValueTask<DomainInterfaceAddressesRet> DomainInterfaceAddressesAsync(ServerCall call, DomainInterfaceAddressesArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainInterfaceAddresses");
        if (args.Source >= 3)
        {
            throw new LibvirtErrorException(ErrorCode.ArgumentUnsupported, ErrorDomain.Test, $"argument unsupported: Unknown IP address data source {args.Source}");
        }

        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            List<XElement> nics = [.. domain.Current.Devices.Where(d => d.Name.LocalName == "interface")];
            var result = new DomainInterface[nics.Count];
            for (int i = 0; i < nics.Count; i++)
            {
                XElement nic = nics[i];
                DomainIpAddr address;
                if ((string?)nic.Attribute("type") == "network")
                {
                    string network = (string?)nic.Element("source")?.Attribute("network") ?? string.Empty;
                    if (network != "default")
                    {
                        throw new LibvirtErrorException(ErrorCode.NoNetwork, ErrorDomain.Test, $"Network not found: no network with matching name '{network}'");
                    }

                    // Addresses are handed out from the start of the default network's DHCP range, 20 per domain ID.
                    uint start = 0xC0A87A02;
                    uint value = start + (uint)((20 * (domain.Id - 1)) + i + 1);
                    address = new DomainIpAddr { Type = 0, Addr = new IPAddress(BitConverter.GetBytes(value).Reverse().ToArray()).ToString(), Prefix = 24 };
                }
                else
                {
                    address = new DomainIpAddr { Type = 0, Addr = string.Create(CultureInfo.InvariantCulture, $"192.168.0.{1 + i}"), Prefix = 24 };
                }

                result[i] = new DomainInterface
                {
                    Name = (string?)nic.Element("target")?.Attribute("dev") ?? string.Empty,
                    Hwaddr = (string?)nic.Element("mac")?.Attribute("address"),
                    Addrs = [address],
                };
            }

            return new(new DomainInterfaceAddressesRet { Ifaces = result });
        }
    }

    public override ValueTask<DomainScreenshotRet> DomainScreenshotAsync(ServerCall call, DomainScreenshotArgs args)
    {
        // The test driver sends its screenshot whatever the domain, without looking the domain up.
        CheckFlags(args.Flags, 0, "testDomainScreenshot");
        byte[] image = TestScreenshot.Image;
        call.Stream.Start(async (stream, cancellationToken) =>
        {
            for (int offset = 0; offset < image.Length; offset += ServerStream.MaxChunk)
            {
                await stream.WriteAsync(image.AsMemory(offset, Math.Min(ServerStream.MaxChunk, image.Length - offset)), cancellationToken).ConfigureAwait(false);
            }
        });
        return new(new DomainScreenshotRet { Mime = "image/png" });
    }
}
