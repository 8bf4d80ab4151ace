using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Checks libvirtd 9.0.0's network parser makes on virtualport, vlan, bandwidth, DHCP hosts and nat ranges (in a
/// network and in its port groups, at net-define and at net-update), and the forms it writes those elements back in.
/// Each sequence runs through virsh against both servers and must print the same; the XML is written for these tests.
/// </summary>
public sealed class NetworkXmlChecksParityTests
{
    private const string Bridge = "<forward mode='bridge'/><bridge name='br0'/>";

    private const string Ip = "<ip address='192.168.5.1' netmask='255.255.255.0'/>";

    [Fact]
    public async Task VirtualPortTypesAndParametersMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.VirshSameAsync(Sequence(
            pair,
            Bridge + "<virtualport type='bogus'/>",
            Bridge + "<virtualport><parameters profileid='p'/></virtualport>",
            Bridge + "<virtualport type='802.1Qbh'><parameters managerid='1'/></virtualport>",
            Bridge + "<virtualport type='802.1Qbh'><parameters profileid='p' interfaceid='not-a-uuid'/></virtualport>",
            Bridge + "<virtualport type='802.1Qbg'><parameters managerid='0x10' typeid='0300' typeidversion='1' instanceid='c7a5fdbd-edaf-9455-926a-d65c16db1809'/></virtualport>",
            Bridge + "<virtualport type='802.1Qbg'><parameters profileid='x'/></virtualport>",
            Bridge + "<virtualport type='802.1Qbg'><parameters managerid='256'/></virtualport>",
            Bridge + "<virtualport type='openvswitch'><parameters interfaceid='C7A5FDBD-EDAF-9455-926A-D65C16DB1809' profileid='pp'/></virtualport>",
            Bridge + "<virtualport type='openvswitch'><parameters typeid='1'/></virtualport>",
            Bridge + "<virtualport type='midonet'><parameters managerid='3' interfaceid='c7a5fdbd-edaf-9455-926a-d65c16db1809'/></virtualport>",
            Bridge + "<portgroup name='a'><virtualport><parameters profileid='q' managerid='2'/></virtualport></portgroup>",
            Bridge + "<portgroup name='b'><virtualport type='bad'/></portgroup>",
            Bridge + "<portgroup name='b'><virtualport type='802.1Qbh'><parameters typeid='2'/></virtualport></portgroup>",
            Ip + "<forward mode='nat'/><virtualport type='openvswitch'/>"));
        Assert.Contains("unsupported configuration: unknown virtualport type bogus", output, StringComparison.Ordinal);
        Assert.Contains("XML error: missing required virtualport type", output, StringComparison.Ordinal);
        Assert.Contains("XML error: extra managerid unsupported in <virtualport type='802.1Qbh'>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: cannot parse interfaceid parameter as a uuid", output, StringComparison.Ordinal);
        Assert.Contains("<parameters managerid='16' typeid='192' typeidversion='1' instanceid='UUID'/>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: extra profileid unsupported in <virtualport type='802.1Qbg'>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: value of managerid out of range", output, StringComparison.Ordinal);
        Assert.Contains("<virtualport type='midonet'>\n    <parameters interfaceid='UUID'/>", output, StringComparison.Ordinal);
        Assert.Contains("<virtualport>\n      <parameters managerid='2' profileid='q'/>", output, StringComparison.Ordinal);
        Assert.Contains("unknown virtualport type bad", output, StringComparison.Ordinal);
        Assert.Contains("XML error: extra typeid unsupported in <virtualport type='802.1Qbh'>", output, StringComparison.Ordinal);
        Assert.Contains("Network n13 defined", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VlanTagsAndTrunkMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.VirshSameAsync(Sequence(
            pair,
            Bridge + "<vlan><tag id='4096'/></vlan>",
            Bridge + "<vlan><tag id='4095'/><tag id='7' nativeMode='untagged'/></vlan>",
            Bridge + "<vlan trunk='no'><tag id='4'/><tag id='5'/></vlan>",
            Bridge + "<vlan trunk='no'><tag id='4' nativeMode='tagged'/></vlan>",
            Bridge + "<vlan trunk='maybe'><tag id='4'/></vlan>",
            Bridge + "<vlan trunk='NO'><tag id='4'/></vlan>",
            Bridge + "<vlan/>",
            Bridge + "<vlan><tag/></vlan>",
            Bridge + "<vlan><tag id='x'/></vlan>",
            Bridge + "<vlan><tag id='1' nativeMode='odd'/></vlan>",
            Bridge + "<vlan><tag id='1' nativeMode='tagged'/><tag id='2' nativeMode='untagged'/></vlan>",
            Bridge + "<portgroup name='p'><vlan><tag id='5000'/></vlan></portgroup>",
            Bridge + "<portgroup name='p'><vlan trunk='yes'><tag id='050'/></vlan></portgroup>"));
        Assert.Contains("XML error: vlan tag id 4096 too large (maximum 4095)", output, StringComparison.Ordinal);
        Assert.Contains("<vlan trunk='yes'>\n    <tag id='4095'/>\n    <tag id='7' nativeMode='untagged'/>", output, StringComparison.Ordinal);
        Assert.Contains("invalid \"trunk='no'\" in <vlan> - trunk='yes' is required for more than one vlan tag", output, StringComparison.Ordinal);
        Assert.Contains("\"trunk='no'\" is not allowed with a native vlan id", output, StringComparison.Ordinal);
        Assert.Contains("invalid \"trunk='maybe'\" in <vlan> - must be yes or no", output, StringComparison.Ordinal);
        Assert.Contains("missing tag id - each <vlan> must have at least one <tag id='n'/> subelement", output, StringComparison.Ordinal);
        Assert.Contains("Missing required attribute 'id' in element 'tag'", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value for attribute 'id' in element 'tag': 'x'. Expected non-negative integer value", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value for attribute 'nativeMode' in element 'tag': 'odd'.", output, StringComparison.Ordinal);
        Assert.Contains("XML error: duplicate native vlan setting", output, StringComparison.Ordinal);
        Assert.Contains("vlan tag id 5000 too large (maximum 4095)", output, StringComparison.Ordinal);
        Assert.Contains("<vlan trunk='yes'>\n      <tag id='50'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DhcpHostChecksMatchLibvirtdAtDefineAndUpdate()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        const string V4 = "<ip address='192.168.5.1' netmask='255.255.255.0'><dhcp>{0}</dhcp></ip>";
        const string V6 = "<ip family='ipv6' address='2001:db8::1' prefix='64'><dhcp>{0}</dhcp></ip>";
        string defines = Sequence(
            pair,
            string.Format(null, V4, "<host mac='zz:00:11:22:33:44' ip='192.168.5.9'/>"),
            string.Format(null, V4, "<host mac='01:00:11:22:33:44' ip='192.168.5.9'/>"),
            string.Format(null, V4, "<host mac='00:0A:11:22:33:44'/>"),
            string.Format(null, V4, "<host ip='192.168.5.9'/>"),
            string.Format(null, V4, "<host name='-x' ip='192.168.5.9'/>"),
            string.Format(null, V4, "<host name='x' ip='192.168.5'/>"),
            string.Format(null, V4, "<host name='x' id='0g' ip='192.168.5.9'/>"),
            string.Format(null, V4, "<host mac='0:A:11:22:33:44' ip='192.168.5.9'/>"),
            string.Format(null, V6, "<host mac='00:11:22:33:44:55' name='a' ip='2001:db8::5'/>"),
            string.Format(null, V6, "<host ip='2001:db8::5'/>"),
            string.Format(null, V6, "<host id='0:1:2' ip='2001:db8::5'/>"));
        string net = pair.WriteFile("u.xml", $"<network><name>u</name>{string.Format(null, V4, "<host mac='00:11:22:33:44:55' ip='192.168.5.5'/>")}</network>");
        string updates = $"net-define {net}; " + Updates(
            "add ip-dhcp-host \"<host mac='zz:11:22:33:44:55' ip='192.168.5.6'/>\"",
            "add ip-dhcp-host \"<host mac='03:11:22:33:44:55' ip='192.168.5.6'/>\"",
            "add ip-dhcp-host \"<host name='-a' ip='192.168.5.6'/>\"",
            "modify ip-dhcp-host \"<host mac='00:11:22:33:44:55' id='xy' ip='192.168.5.6'/>\"",
            "add ip-dhcp-host \"<host name='a' ip='192.168.9'/>\"",
            "delete ip-dhcp-host \"<host/>\"") + "; net-dumpxml u";
        string output = await pair.VirshSameAsync(defines + "; " + updates);
        Assert.Contains("XML error: Cannot parse MAC address 'zz:00:11:22:33:44' in network 'n0'", output, StringComparison.Ordinal);
        Assert.Contains("XML error: expected unicast mac address, found multicast '01:00:11:22:33:44' in network 'n1'", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Missing IP address in static host definition for network 'n2'", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Static host definition in IPv4 network 'n3' must have mac or name attribute", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Cannot use host name '-x' in network 'n4'", output, StringComparison.Ordinal);
        Assert.Contains("<host name='x' ip='192.168.0.5'/>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid character 'g' in id '0g' of network 'n6'", output, StringComparison.Ordinal);
        Assert.Contains("<host mac='0:A:11:22:33:44' ip='192.168.5.9'/>", output, StringComparison.Ordinal);
        Assert.Contains("Invalid to specify MAC address '00:11:22:33:44:55' in network 'n8' IPv6 static host definition", output, StringComparison.Ordinal);
        Assert.Contains("Static host definition in IPv6 network 'n9' must have id or name attribute", output, StringComparison.Ordinal);
        Assert.Contains("Cannot parse MAC address 'zz:11:22:33:44:55' in network 'u'", output, StringComparison.Ordinal);
        Assert.Contains("found multicast '03:11:22:33:44:55' in network 'u'", output, StringComparison.Ordinal);
        Assert.Contains("Invalid character 'x' in id 'xy' of network 'u'", output, StringComparison.Ordinal);
        Assert.Contains("<host name='a' ip='192.168.0.9'/>", output, StringComparison.Ordinal);
        Assert.Contains("At least one of name, mac, or ip attribute must be specified for static host definition in network 'u'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BandwidthRatesMatchLibvirtdIncludingEmptyOnes()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.VirshSameAsync(Sequence(
            pair,
            Bridge + "<bandwidth><inbound/></bandwidth>",
            Bridge + "<bandwidth><outbound/></bandwidth>",
            Bridge + "<bandwidth/>",
            Bridge + "<bandwidth><inbound average='0'/><outbound average='10' peak='0' burst='5'/></bandwidth>",
            Bridge + "<bandwidth><inbound average='0'/></bandwidth>",
            Bridge + "<bandwidth><inbound floor='0' peak='10'/></bandwidth>",
            Bridge + "<bandwidth><inbound average='x'/></bandwidth>",
            Bridge + "<bandwidth><inbound average='1'/><inbound average='2'/></bandwidth>",
            Bridge + "<bandwidth classID='3'><inbound average='1'/></bandwidth>",
            Bridge + "<bandwidth><outbound average='1' floor='2'/></bandwidth>",
            Bridge + "<bandwidth><inbound average='010' burst='07' peak='+5'/></bandwidth>",
            Bridge + "<portgroup name='p'><bandwidth><outbound/></bandwidth></portgroup>",
            Bridge + "<portgroup name='p'><bandwidth/></portgroup>"));
        Assert.Contains("error: Missing mandatory average or floor attributes", output, StringComparison.Ordinal);
        Assert.Contains("<bandwidth>\n    <outbound average='10' burst='5'/>\n  </bandwidth>", output, StringComparison.Ordinal);
        Assert.Contains("<bandwidth>\n  </bandwidth>", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: 'peak' and 'burst' require 'average' attribute", output, StringComparison.Ordinal);
        Assert.Contains("unsupported configuration: could not convert bandwidth average value 'x'", output, StringComparison.Ordinal);
        Assert.Contains("Only one child <inbound> element allowed", output, StringComparison.Ordinal);
        Assert.Contains("classID attribute not supported on <bandwidth> in this usage context", output, StringComparison.Ordinal);
        Assert.Contains("'floor' attribute allowed only in <inbound> element", output, StringComparison.Ordinal);
        Assert.Contains("<inbound average='10' peak='5' burst='7'/>", output, StringComparison.Ordinal);
        Assert.Contains("<portgroup name='p'>\n  </portgroup>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NatAddressAndPortRangesMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string output = await pair.VirshSameAsync(Sequence(
            pair,
            Ip + "<forward mode='nat'><nat><port start='2000' end='1000'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><port start='70000' end='70001'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><port start='1000'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><port end='1000'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><port start='0' end='0'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><port start='010' end='0x20'/></nat></forward>",
            Ip + "<forward mode='nat'><nat ipv6='yes'><port start='010' end='020'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><port start='1' end='2'/><port start='3' end='4'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address start='10.0.0.9' end='10.0.0.1'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address start='10.0.0.1'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address end='10.0.0.1'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address start='10.0.0.1' end='10.1.0.1'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address start='10.0.0.x' end='10.0.1.1'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address start='::1' end='::2'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address start='1.1.1.1' end='1.1.1.2'/><address start='1.1.1.1' end='1.1.1.2'/></nat></forward>",
            Ip + "<forward mode='route'><nat/></forward>",
            Ip + "<forward mode='nat'><nat ipv6='maybe'/></forward>",
            Ip + "<forward mode='nat'><nat/><nat/></forward>"));
        Assert.Contains("Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network n0", output, StringComparison.Ordinal);
        Assert.Contains("Missing or invalid 'start' attribute in <port> in <nat> in <forward> in network n1", output, StringComparison.Ordinal);
        Assert.Contains("Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network n5", output, StringComparison.Ordinal);
        Assert.Contains("<nat ipv6='yes'>\n      <port start='10' end='20'/>\n    </nat>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Only one <port> element is allowed in <nat> in <forward> in network n7", output, StringComparison.Ordinal);
        Assert.Contains("internal error: range 10.0.0.9 - 10.0.0.1 is reversed", output, StringComparison.Ordinal);
        Assert.Contains("missing 'end' attribute in <address> element in <nat> in <forward> in network n9", output, StringComparison.Ordinal);
        Assert.Contains("missing 'start' attribute in <address> element in <nat> in <forward> in network n10", output, StringComparison.Ordinal);
        Assert.Contains("range 10.0.0.1 - 10.1.0.1 is too large (> 65535)", output, StringComparison.Ordinal);
        Assert.Contains("Bad ipv4 start address '10.0.0.x' in <nat> in <forward> in network 'n12'", output, StringComparison.Ordinal);
        Assert.Contains("Bad ipv4 start address '::1' in <nat> in <forward> in network 'n13'", output, StringComparison.Ordinal);
        Assert.Contains("Only one <address> element is allowed in <nat> in <forward> in network n14", output, StringComparison.Ordinal);
        Assert.Contains("The <nat> element can only be used when <forward> 'mode' is 'nat' in network n15", output, StringComparison.Ordinal);
        Assert.Contains("Invalid value for attribute 'ipv6' in element 'nat': 'maybe'.", output, StringComparison.Ordinal);
        Assert.Contains("Only one <nat> element is allowed in <forward> of network n17", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsUpdatesApplyTheDefineTimeRecordChecks()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string net = pair.WriteFile("u.xml", """
            <network>
              <name>u</name>
              <dns><txt name='t' value='v'/><srv service='http' protocol='tcp'/><host ip='192.168.9.7'><hostname>h1</hostname></host></dns>
              <ip address='192.168.9.1' netmask='255.255.255.0'/>
            </network>
            """);
        string output = await pair.VirshSameAsync($"net-define {net}; " + Updates(
            "add dns-srv \"<srv service='a' protocol='tcp' port=''/>\"",
            "add dns-srv \"<srv service='b' protocol='tcp' target='x' port=' 80'/>\"",
            "add dns-srv \"<srv service='c' protocol='tcp' target='x' port='+80' weight=''/>\"",
            "add dns-srv \"<srv service='d' protocol='tcp' port='-1' target='x'/>\"",
            "add dns-srv \"<srv service='e' protocol='tcp' priority='70000' target='x'/>\"",
            "delete dns-srv \"<srv protocol='tcp' port='5'/>\"",
            "delete dns-srv \"<srv service='a b'/>\"",
            "delete dns-srv \"<srv/>\"",
            "add dns-host \"<host ip='1.2.3.4%eth0'><hostname>a</hostname></host>\"",
            "add dns-host \"<host ip='10.1'><hostname>b</hostname></host>\"",
            "delete dns-host \"<host/>\"",
            "add dns-host \"<host ip='192.168.1.9'><hostname></hostname></host>\"",
            "delete dns-host \"<host><hostname>h1</hostname></host>\"",
            "add dns-txt \"<txt name='n'/>\"",
            "add dns-txt \"<txt value='n'/>\"",
            "add dns-txt \"<txt name='a,b' value='n'/>\"",
            "delete dns-txt \"<txt name='t'/>\"",
            "add portgroup \"<portgroup name='p'><vlan><tag id='4096'/></vlan></portgroup>\"",
            "add portgroup \"<portgroup name='p'><virtualport type='x'/></portgroup>\"",
            "add portgroup \"<portgroup name='p'><bandwidth><inbound/></bandwidth></portgroup>\"",
            "add portgroup \"<portgroup name='q'><bandwidth><inbound average='05'/></bandwidth><virtualport><parameters managerid='0x7'/></virtualport><vlan><tag id='7'/><tag id='8'/></vlan></portgroup>\"")
            + "; net-dumpxml u");
        Assert.Contains("<srv service='a' protocol='tcp'/>\n    <srv service='b' protocol='tcp' target='x' port='80'/>\n    <srv service='c' protocol='tcp' target='x' port='80'/>", output, StringComparison.Ordinal);
        Assert.Contains("invalid DNS SRV port attribute for service 'd' in network 'u'", output, StringComparison.Ordinal);
        Assert.Contains("Invalid DNS SRV priority attribute for service 'e' in network 'u'", output, StringComparison.Ordinal);
        Assert.Contains("DNS SRV port attribute not permitted without target for service '(null)' in network 'u'", output, StringComparison.Ordinal);
        Assert.Contains("invalid character in service attribute 'a b' in DNS SRV record of network 'u'", output, StringComparison.Ordinal);
        Assert.Contains("Invalid IP address in network 'u' DNS HOST record", output, StringComparison.Ordinal);
        Assert.Contains("<host ip='10.0.0.1'>\n      <hostname>b</hostname>", output, StringComparison.Ordinal);
        Assert.Contains("Missing ip and hostname in network 'u' DNS HOST record", output, StringComparison.Ordinal);
        Assert.Contains("missing required value attribute in DNS TXT record named 'n' of network u", output, StringComparison.Ordinal);
        Assert.Contains("prohibited character in DNS TXT record name 'a,b' of network u", output, StringComparison.Ordinal);
        Assert.Contains("vlan tag id 4096 too large (maximum 4095)", output, StringComparison.Ordinal);
        Assert.Contains("<vlan trunk='yes'>\n      <tag id='7'/>\n      <tag id='8'/>\n    </vlan>\n    <virtualport>\n      <parameters managerid='7'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BridgeIpv6AndNumberFormsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string badIpv6 = pair.WriteFile("v6.xml", "<network ipv6='YES'><name>v6</name></network>");
        string emptyIpv6 = pair.WriteFile("v6e.xml", "<network ipv6=''><name>v6e</name></network>");
        string output = await pair.VirshSameAsync($"net-define {badIpv6}; net-define {emptyIpv6}; net-dumpxml v6e; " + Sequence(
            pair,
            "<bridge delay='x'/>",
            "<bridge delay=' +7' stp='off'/>",
            "<bridge macTableManager='default'/>",
            "<bridge macTableManager='' zone='' name=''/>",
            "<bridge macTableManager='libvirt' delay='-1'/>",
            Bridge + "<virtualport type='802.1Qbg'><parameters managerid='-1'/></virtualport>",
            Bridge + "<virtualport type='802.1Qbg'><parameters managerid='-0' typeid=' 0x10'/></virtualport>",
            "<ip address='192.168.5.1' netmask='255.255.255.0'><dhcp><host mac='000:11:22:33:44:55' ip='192.168.5.9'/></dhcp></ip>",
            "<ip address='192.168.5.1' netmask='255.255.255.0'><dhcp><host mac='00:11:22:33:44:55 ' ip='192.168.5.9'/></dhcp></ip>"));
        Assert.Contains("XML error: Invalid ipv6 setting 'YES' in network 'v6'", output, StringComparison.Ordinal);
        Assert.Contains("Network v6e defined", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid delay value in network 'n0'", output, StringComparison.Ordinal);
        Assert.Contains("<bridge stp='off' delay='7'/>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid macTableManager setting 'default' in network 'n2'", output, StringComparison.Ordinal);
        Assert.Contains("<name>n3</name>\n  <uuid>UUID</uuid>\n  <bridge stp='on' delay='0'/>\n</network>", output, StringComparison.Ordinal);
        Assert.Contains("XML error: Invalid delay value in network 'n4'", output, StringComparison.Ordinal);
        Assert.Contains("XML error: value of managerid out of range", output, StringComparison.Ordinal);
        Assert.Contains("<parameters managerid='0' typeid='16'/>", output, StringComparison.Ordinal);
        Assert.Contains("Cannot parse MAC address '000:11:22:33:44:55' in network 'n7'", output, StringComparison.Ordinal);
        Assert.Contains("<host mac='00:11:22:33:44:55 ' ip='192.168.5.9'/>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorCodesAndDomainsMatchLibvirtd()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string[] bodies =
        [
            Bridge + "<virtualport type='bogus'/>",
            Bridge + "<virtualport/>",
            Bridge + "<virtualport type='802.1Qbh'><parameters managerid='1'/></virtualport>",
            Bridge + "<virtualport type='802.1Qbg'><parameters managerid='x'/></virtualport>",
            Bridge + "<vlan><tag id='4096'/></vlan>",
            Bridge + "<vlan><tag/></vlan>",
            Bridge + "<vlan><tag id='1' nativeMode='odd'/></vlan>",
            Bridge + "<bandwidth><inbound/></bandwidth>",
            Bridge + "<bandwidth><inbound average='x'/></bandwidth>",
            Bridge + "<portgroup name='p' trustGuestRxFilters='x'/>",
            "<ip address='192.168.5.1' netmask='255.255.255.0'><dhcp><host mac='zz:00:11:22:33:44' ip='192.168.5.9'/></dhcp></ip>",
            Ip + "<forward mode='nat'><nat><port start='2000' end='1000'/></nat></forward>",
            Ip + "<forward mode='nat'><nat><address start='10.0.0.9' end='10.0.0.1'/></nat></forward>",
            Ip + "<forward mode='nat'><nat ipv6='maybe'/></forward>",
        ];
        string script = TestDriverPair.PythonPrelude + "\nbodies = [" + string.Join(", ", bodies.Select(b => "\"" + b + "\"")) + "]\n"
            + "for i, b in enumerate(bodies):\n"
            + "    err(i, lambda: conn.networkDefineXML('<network><name>n%d</name>%s</network>' % (i, b)).name())\n";
        string output = await pair.PythonSameAsync(script);
        Assert.Contains("0 ERR 67 0 unsupported configuration: unknown virtualport type bogus", output, StringComparison.Ordinal);
        Assert.Contains("2 ERR 27 11 XML error: extra managerid unsupported in <virtualport type='802.1Qbh'>", output, StringComparison.Ordinal);
        Assert.Contains("7 ERR 35 0 Missing mandatory average or floor attributes", output, StringComparison.Ordinal);
    }

    /// <summary>Defines each body as network n0, n1, … and dumps and undefines it; a refused one prints its error.</summary>
    private static string Sequence(TestDriverPair pair, params string[] bodies)
        => string.Join("; ", bodies.Select((body, i) =>
        {
            string file = pair.WriteFile($"n{i}.xml", $"<network><name>n{i}</name>{body}</network>");
            return $"net-define {file}; net-dumpxml n{i}; net-undefine n{i}";
        }));

    private static string Updates(params string[] updates) => string.Join("; ", updates.Select(u => $"net-update u {u} --config"));
}
