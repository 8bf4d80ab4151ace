using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Virtual networks.</summary>
public sealed partial class TestState
{
    // libvirt's test:///default network, written as its formatter prints it.
    private const string DefaultNetworkXml = """
        <network>
          <name>default</name>
          <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
          <bridge name='virbr0'/>
          <forward/>
          <ip address='192.168.122.1' netmask='255.255.255.0'>
            <dhcp>
              <range start='192.168.122.2' end='192.168.122.254'/>
            </dhcp>
          </ip>
        </network>
        """;

    /// <summary>Networks in definition order; guarded by <see cref="Gate"/>.</summary>
    internal List<TestNetwork> Networks { get; } = [];

    /// <summary>The network named <paramref name="name"/>, or libvirt's not-found error. Call under <see cref="Gate"/>.</summary>
    internal TestNetwork NetworkByName(string name)
        => Networks.Find(n => n.Def.Name == name)
           ?? throw new LibvirtErrorException(ErrorCode.NoNetwork, ErrorDomain.Test, $"Network not found: no network with matching name '{name}'");

    /// <summary>The network with <paramref name="uuid"/>, or libvirt's not-found error. Call under <see cref="Gate"/>.</summary>
    internal TestNetwork NetworkByUuid(Guid uuid)
        => Networks.Find(n => n.Def.Uuid == uuid)
           ?? throw new LibvirtErrorException(ErrorCode.NoNetwork, ErrorDomain.Test, $"Network not found: no network with matching uuid '{TestUuid.Format(uuid)}'");

    /// <summary>
    /// Adds or updates a network the way libvirt's network list does: a known UUID must keep its name, a known name
    /// must keep its UUID. Call under <see cref="Gate"/>.
    /// </summary>
    internal TestNetwork AssignNetwork(TestNetworkDef def, bool live)
    {
        TestNetwork? existing = Networks.Find(n => n.Def.Uuid == def.Uuid);
        if (existing is not null)
        {
            if (existing.Def.Name != def.Name)
            {
                throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Network, $"operation failed: network '{existing.Def.Name}' is already defined with uuid {TestUuid.Format(existing.Def.Uuid)}");
            }

            if (live)
            {
                if (existing.Active)
                {
                    throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Network, $"Requested operation is not valid: network is already active as '{existing.Def.Name}'");
                }

                existing.NextDef = existing.Persistent ? existing.Def : null;
                existing.Def = def;
            }
            else if (existing.Active)
            {
                existing.NextDef = def;
                existing.Persistent = true;
            }
            else
            {
                existing.Def = def;
                existing.Persistent = true;
            }

            return existing;
        }

        if (Networks.Find(n => n.Def.Name == def.Name) is TestNetwork sameName)
        {
            throw new LibvirtErrorException(ErrorCode.OperationFailed, ErrorDomain.Network, $"operation failed: network '{def.Name}' already exists with uuid {TestUuid.Format(sameName.Def.Uuid)}");
        }

        var network = new TestNetwork(def) { Persistent = !live };
        Networks.Add(network);
        return network;
    }

    partial void InitializeNetworks()
    {
        var network = new TestNetwork(TestNetworkDef.Parse(DefaultNetworkXml)) { Active = true, Persistent = true };
        Networks.Add(network);
    }
}
