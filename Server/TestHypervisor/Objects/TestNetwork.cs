namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>A virtual network of the test hypervisor; guarded by <see cref="TestState.Gate"/>.</summary>
internal sealed class TestNetwork
{
    public TestNetwork(TestNetworkDef def) => Def = def;

    /// <summary>The definition in effect (the live one while active).</summary>
    public TestNetworkDef Def { get; set; }

    /// <summary>A persistent definition given while the network ran; libvirt's test driver keeps it but never applies it.</summary>
    public TestNetworkDef? NextDef { get; set; }

    public bool Active { get; set; }

    public bool Persistent { get; set; }

    public bool Autostart { get; set; }
}
