using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The sweep of every public method of python3-libvirt's classes: what differed between libvirtd 9.0.0's test driver
/// and our server. Each test runs the same python snippet against both and demands the same output.
/// </summary>
public sealed class PythonSweepParityTests
{
    [Fact]
    public async Task SetIdentityChecksNamesAndTypesAndIgnoresFlags()
    {
        string output = await SameAsync("""
            for p in [{'user-name': 'x'}, {'nope': 'x'}, {'unix-user-id': 5}, {'process-id': 5}, {},
                      {'system.token': 'x', 'selinux-context': 'y', 'x509-distinguished-name': 'z', 'sasl-user-name': 's',
                       'process-time': 1, 'unix-group-id': 1, 'group-name': 'g'}]:
                err(sorted(p), lambda: conn.setIdentity(p, 0))
            err('flags', lambda: conn.setIdentity({'user-name': 'x'}, 7))
            err('after', lambda: conn.getType())
            """);
        Assert.Contains("['user-name'] 0", output, StringComparison.Ordinal);
        Assert.Contains("['nope'] ERR 74 0 argument unsupported: parameter 'nope' not supported", output, StringComparison.Ordinal);
        Assert.Contains("flags 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterfaceDefinitionsAreCheckedAndWrittenBackAsLibvirtParsesThem()
    {
        string output = await SameAsync("""
            xs = ["<interface/>", "<interface type='bogus' name='a'/>", "<interface type='' name='a'/>", "<interface type='ethernet'/>",
                  "<interface type='ethernet' name=''/>", "<interface type='bridge' name='br9'/>",
                  "<interface type='bridge' name='br8'><bridge><interface type='bridge' name='x'/></bridge></interface>",
                  "<interface type='vlan' name='v'/>", "<interface type='bond' name='b'/>",
                  "<interface type='ethernet' name='e1'><start mode='x'/></interface>", "<interface type='ethernet' name='e2'><mtu size='200000'/></interface>",
                  "<interface type='ethernet' name='e3'><mtu size='abc'/></interface>", "<interface type='ethernet' name='e4'><protocol/></interface>",
                  "<interface type='ethernet' name='e5'><protocol family='ipx'/></interface>",
                  "<interface type='ethernet' name='e6'><protocol family='ipv4'><dhcp peerdns='maybe'/></protocol></interface>",
                  "<interface type='ethernet' name='e7'><protocol family='ipv4'><ip address='1.2.3.4' prefix='x'/></protocol></interface>",
                  "<interface type='ethernet' name='e8'><link state='sideways'/></interface>", "<interface type='ethernet' name='e10'><link speed='-1'/></interface>",
                  "<interface type='bond' name='b1'><bond mode='x'/></interface>", "<interface type='bond' name='b2'><bond><interface type='vlan' name='q'/></bond></interface>",
                  "<interface type='bond' name='b3'><bond><miimon/></bond></interface>", "<interface type='bond' name='b4'><bond><miimon freq='1' downdelay='x'/></bond></interface>",
                  "<interface type='bond' name='b5'><bond><miimon freq='1' carrier='q'/></bond></interface>", "<interface type='bond' name='b6'><bond><arpmon interval='3'/></bond></interface>",
                  "<interface type='bond' name='b7'><bond><arpmon interval='3' target='1.2.3.4' validate='z'/></bond></interface>",
                  "<interface type='vlan' name='v1'><vlan/></interface>", "<interface type='vlan' name='v2'><vlan tag='4'/></interface>",
                  "<interface type='bridge' name='br1'><bridge><interface type='ethernet'/></bridge></interface>",
                  "<interface type='ethernet' name='e11'><start mode='onboot'/><mtu size='1500'/><mac address='AA:BB:CC:00:00:01'/><protocol family='ipv4'><dhcp peerdns='yes'/><ip address='1.2.3.4' prefix='24'/><route gateway='1.2.3.1'/></protocol><protocol family='ipv6'><autoconf/><ip address='::1' prefix='64'/></protocol><link state='up' speed='1000'/></interface>",
                  "<interface type='bridge' name='br2'><start mode='onboot'/><mac address='aa:bb:cc:00:00:02'/><bridge stp='off' delay='0.01'><interface type='ethernet' name='eth7'><mac address='aa:bb:cc:00:00:03'/></interface><interface type='vlan' name='eth7.4'><vlan tag='4'><interface name='eth7'/></vlan></interface></bridge></interface>",
                  "<interface type='bond' name='bond0'><start mode='none'/><bond mode='active-backup'><miimon freq='100' updelay='10' carrier='ioctl'/><interface type='ethernet' name='eth8'><mac address='aa:bb:cc:00:00:04'/></interface></bond></interface>",
                  "<interface type='bond' name='bond1'><bond><arpmon interval='100' target='192.168.1.1' validate='active'/><interface type='ethernet' name='eth9'/></bond></interface>",
                  "<interface type='vlan' name='eth0.42'><start mode='onboot'/><vlan tag='42'><interface name='eth0'/></vlan><unknown/></interface>",
                  "<interface type='bridge' name='br3'><bridge stp='maybe'/></interface>"]
            for x in xs:
                def f():
                    i = conn.interfaceDefineXML(x, 0)
                    return (i.name(), i.MACString(), i.XMLDesc(0))
                err(x, f)
            err('bymac', lambda: conn.interfaceLookupByMACString('aa:bb:cc:00:00:02').name())
            err('bymac', lambda: conn.interfaceLookupByMACString('AA:bb:cc:00:00:01').name())
            """);
        Assert.Contains("ERR 27 5 XML error: Missing required attribute 'type' in element 'interface'", output, StringComparison.Ordinal);
        Assert.Contains("ERR 27 26 XML error: bridge interface misses the bridge element", output, StringComparison.Ordinal);
        Assert.Contains("<link speed='1000' state='up'/>\\n  <mac address='AA:BB:CC:00:00:01'/>", output, StringComparison.Ordinal);
        Assert.Contains("bymac ERR 59", output, StringComparison.Ordinal);
    }

    private static async Task<string> SameAsync(string snippet)
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.PythonSameAsync(TestDriverPair.PythonPrelude + "\n" + snippet);
        Assert.Contains("exit 0", output, StringComparison.Ordinal);
        return output;
    }
}
