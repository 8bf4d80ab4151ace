using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Host interfaces (and the defaults of the other non-domain objects).</summary>
public sealed partial class TestState
{
    // libvirt's test:///default interface, with its attribute quoting normalised.
    private const string DefaultInterfaceXml = """
        <interface type='ethernet' name='eth1'>
          <start mode='onboot'/>
          <mac address='aa:bb:cc:dd:ee:ff'/>
          <mtu size='1492'/>
          <protocol family='ipv4'>
            <ip address='192.168.0.5' prefix='24'/>
            <route gateway='192.168.0.1'/>
          </protocol>
        </interface>
        """;

    /// <summary>Interfaces in definition order; guarded by <see cref="Gate"/>.</summary>
    internal List<TestInterface> Interfaces { get; } = [];

    /// <summary>The interfaces as they were when a change transaction began, or null outside one.</summary>
    internal List<TestInterface>? InterfaceSnapshot { get; set; }

    /// <summary>The interface named <paramref name="name"/>, or libvirt's not-found error. Call under <see cref="Gate"/>.</summary>
    internal TestInterface InterfaceByName(string name)
        => Interfaces.Find(i => i.Name == name)
           ?? throw new LibvirtErrorException(ErrorCode.NoInterface, ErrorDomain.Test, $"Interface not found: no interface with matching name '{name}'");

    partial void InitializeOthers()
    {
        Interfaces.Add(TestInterface.Parse(DefaultInterfaceXml));
        Interfaces[0].Active = true;
        InitializeNodeDevices();
    }
}
