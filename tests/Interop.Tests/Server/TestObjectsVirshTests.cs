using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// virsh's network, storage, interface, node device, secret and nwfilter commands print the same against our test
/// hypervisor as against libvirtd 9.0.0's test driver, errors included.
/// </summary>
public sealed class TestObjectsVirshTests
{
    private const string Net2Xml = """
        <network>
          <name>net2</name>
          <uuid>11111111-2222-3333-4444-555555555501</uuid>
          <bridge name='virbr5'/>
          <ip address='10.0.5.1' netmask='255.255.255.0'/>
        </network>
        """;

    private const string Net3Xml = """
        <network>
          <name>net3</name>
          <uuid>720da43e-dfb6-4d4a-b8eb-2eb26d589fc3</uuid>
          <forward mode='route' dev='eth0'/>
          <bridge name='virbr6' stp='off' delay='2'/>
          <mac address='52:54:00:AA:BB:CC'/>
          <domain name='example.org'/>
          <ip address='10.0.6.1' netmask='255.255.255.0'/>
          <ip family='ipv6' address='2001:db8::1' prefix='64'>
            <dhcp>
              <host id='0:1' name='h' ip='2001:db8::5'/>
            </dhcp>
          </ip>
        </network>
        """;

    private const string Pool2Xml = """
        <pool type='dir'>
          <name>p2</name>
          <uuid>11111111-2222-3333-4444-555555555566</uuid>
          <target><path>/p2</path></target>
        </pool>
        """;

    [Fact]
    public async Task DefaultObjectsListAndDumpAsLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string output = await both.AssertSameVirshAsync(
            "net-list --all; net-info default; net-dumpxml default; net-uuid default; net-name dd8fe884-6c02-601e-7551-cca97df1c5df; "
            + "pool-list --all --details; pool-info default-pool; pool-dumpxml default-pool; pool-uuid default-pool; vol-list default-pool; "
            + "iface-list --all; iface-dumpxml eth1; nodedev-dumpxml computer; nodedev-dumpxml scsi_host1; nodedev-dumpxml scsi_host11; "
            + "nodedev-dumpxml scsi_host2; nodedev-info computer");
        Assert.Contains("<uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>", output, StringComparison.Ordinal);
        Assert.Contains(" default-pool   running   no          yes          100.00 GiB", output, StringComparison.Ordinal);
        Assert.Contains(" eth1   active   aa:bb:cc:dd:ee:ff", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupFailuresAndUnsupportedListsMatchLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        foreach (string command in new[]
        {
            "net-info x", "net-name 00000000-0000-0000-0000-000000000000", "pool-info x", "iface-dumpxml x", "nodedev-dumpxml x",
            "vol-info nope --pool default-pool", "vol-info /nope", "net-dumpxml --inactive default", "iface-dumpxml --inactive eth1",
            "nodedev-list", "nodedev-list --cap scsi_host", "secret-list", "nwfilter-list", "nwfilter-dumpxml x",
            "secret-dumpxml 11111111-2222-3333-4444-555555555555",
        })
        {
            (string theirs, string ours) = await both.VirshBothAsync(command);
            Assert.Equal(theirs, ours);
            Assert.StartsWith("exit 1", ours, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NetworkLifecycleMatchesLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string net2 = both.WriteFile("net2.xml", Net2Xml);
        string net3 = both.WriteFile("net3.xml", Net3Xml);
        string bad = both.WriteFile("bad.xml", "<network><name>bad</name><forward mode='bogus'/></network>");
        string output = await both.AssertSameVirshAsync(
            $"net-define {net2}; net-list --all; net-dumpxml net2; net-info net2; net-start net2; net-start net2; net-list --all; "
            + "net-autostart net2; net-info net2; net-list --all; net-autostart --disable net2; net-undefine net2; net-destroy net2; "
            + "net-destroy net2; net-undefine net2; net-undefine net2; net-list --all; "
            + $"net-create {net3}; net-dumpxml net3; net-list --all; net-destroy net3; net-list --all; net-define {bad}; net-create {bad}; "
            + "net-destroy default; net-list --inactive; net-start default; net-list --name; net-list --uuid --all; net-undefine default");
        Assert.Contains("Network net2 has been undefined", output, StringComparison.Ordinal);
        Assert.Contains("<forward dev='eth0' mode='route'>", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoragePoolsAndVolumesMatchLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string pool2 = both.WriteFile("pool2.xml", Pool2Xml);
        string output = await both.AssertSameVirshAsync(
            $"pool-define {pool2}; pool-list --all --details; pool-dumpxml p2; pool-info p2; vol-list p2; pool-build p2; pool-start p2; "
            + "pool-start p2; pool-info p2; pool-destroy p2; pool-destroy p2; pool-delete p2; pool-undefine p2; pool-list --all; "
            + "pool-name dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566; pool-list --name --all; "
            + "vol-create-as default-pool v1.img 10M; vol-create-as default-pool v2.qcow2 1G --allocation 5M --format qcow2; "
            + "vol-list default-pool; vol-list --details default-pool; vol-info v1.img --pool default-pool; "
            + "vol-dumpxml v1.img --pool default-pool; vol-dumpxml v2.qcow2 --pool default-pool; vol-info /default-pool/v1.img; "
            + "vol-key /default-pool/v1.img; vol-path v1.img --pool default-pool; vol-pool /default-pool/v1.img; pool-info default-pool; "
            + "pool-list --all --details; vol-create-as default-pool v2.qcow2 1G; vol-create-as default-pool huge 1T; "
            + "vol-delete v1.img --pool default-pool; vol-info v1.img --pool default-pool; vol-list default-pool; pool-refresh default-pool; "
            + "pool-autostart default-pool; pool-list --all --details; pool-define-as p3 dir --target /p3; pool-start p3; "
            + "vol-create-as p3 a 1k; vol-list p3 --details; pool-destroy p3; vol-list p3; pool-info x");
        Assert.Contains("Vol v1.img deleted", output, StringComparison.Ordinal);
        Assert.Contains("99.99 GiB", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedefinitionsTransientObjectsAndVolumeXmlMatchLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string net2 = both.WriteFile("net2.xml", Net2Xml);
        string net2c = both.WriteFile("net2c.xml", Net2Xml.Replace("virbr5", "virbr9", StringComparison.Ordinal));
        string pool2 = both.WriteFile("pool2.xml", Pool2Xml);
        string vol = both.WriteFile("vol.xml", """
            <volume type='file'>
              <name>x.raw</name>
              <capacity unit='KiB'>64</capacity>
              <allocation unit='KiB'>4</allocation>
              <target><format type='qcow2'/><permissions><mode>600</mode><owner>107</owner></permissions></target>
            </volume>
            """);
        string output = await both.AssertSameVirshAsync(
            $"net-define {net2}; net-start net2; net-define {net2c}; net-dumpxml net2; net-destroy net2; net-dumpxml net2; "
            + $"net-create {net2}; net-create {net2}; net-destroy net2; net-undefine net2; net-create {net2}; net-list --all; "
            + $"net-destroy net2; net-list --all; vol-create default-pool {vol}; vol-dumpxml x.raw --pool default-pool; "
            + "vol-clone x.raw y.raw --pool default-pool; vol-dumpxml y.raw --pool default-pool; vol-list default-pool --details; "
            + $"pool-create {pool2}; pool-list --all --details; pool-autostart p2; pool-destroy p2; pool-list --all");
        Assert.Contains("<mode>0600</mode>", output, StringComparison.Ordinal);
        Assert.Contains("network is already active as 'net2'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterfacesMatchLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string eth9 = both.WriteFile("eth9.xml", "<interface type='ethernet' name='eth9'><mac address='00:11:22:33:44:55'/></interface>");
        string output = await both.AssertSameVirshAsync(
            "iface-list; iface-list --inactive; iface-mac eth1; iface-name aa:bb:cc:dd:ee:ff; iface-name 00:00:00:00:00:00; "
            + "iface-destroy eth1; iface-destroy eth1; iface-list --all; iface-start eth1; iface-start eth1; "
            + $"iface-begin; iface-begin; iface-define {eth9}; iface-list --all; iface-dumpxml eth9; iface-rollback; iface-list --all; "
            + "iface-commit; iface-rollback; iface-undefine eth1; iface-list --all");
        Assert.Contains("Interface eth1 started", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkLifecycleEventsMatchLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string net2 = both.WriteFile("net2.xml", Net2Xml);
        string net3 = both.WriteFile("net3.xml", Net3Xml);
        string trigger = $"net-destroy default; net-start default; net-define {net2}; net-undefine net2; net-create {net3}; net-destroy net3";
        string theirs = await WatchAsync(both.LibvirtdUri, "net-event --event lifecycle --loop --timeout 4", trigger);
        string ours = await WatchAsync(both.OurUri, "net-event --event lifecycle --loop --timeout 4", trigger);
        Assert.Equal(theirs, ours);
        Assert.Contains("event 'lifecycle' for network net3: Stopped", ours, StringComparison.Ordinal);
        Assert.Contains("events received: 6", ours, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoragePoolEventsMatchLibvirtd()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string pool2 = both.WriteFile("pool2.xml", Pool2Xml);
        string trigger = $"pool-destroy default-pool; pool-start default-pool; pool-refresh default-pool; pool-define {pool2}; pool-build p2; pool-delete p2; pool-undefine p2";
        foreach (string watch in new[] { "pool-event --event lifecycle --loop --timeout 4", "pool-event --event refresh --loop --timeout 4" })
        {
            string theirs = await WatchAsync(both.LibvirtdUri, watch, trigger);
            string ours = await WatchAsync(both.OurUri, watch, trigger);
            Assert.Equal(theirs, ours);
            Assert.Contains("for storage pool", ours, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task VolumeUploadAndDownloadWorkInMemory()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        byte[] payload = new byte[300_000];
        new Random(7).NextBytes(payload);
        string upload = Path.Combine(both.Directory, "up.bin");
        await File.WriteAllBytesAsync(upload, payload);
        string down = Path.Combine(both.Directory, "down.bin");
        string part = Path.Combine(both.Directory, "part.bin");

        // libvirtd's test driver lacks volume streams; ours keeps the bytes in memory.
        (string theirs, _) = await both.VirshBothAsync($"vol-create-as default-pool v 1M; vol-upload --pool default-pool v {upload}");
        Assert.Contains("this function is not supported by the connection driver: virStorageVolUpload", theirs, StringComparison.Ordinal);

        (await ExternalProcess.VirshAsync(
            both.OurUri,
            $"vol-create-as default-pool v 1M; vol-upload --pool default-pool v {upload}; vol-download --pool default-pool v {down}; "
            + $"vol-download --pool default-pool v {part} --offset 1000 --length 5000").WaitAsync(TestTimeouts.Default)).EnsureSuccess("virsh upload/download");
        byte[] downloaded = await File.ReadAllBytesAsync(down);
        Assert.Equal(1024 * 1024, downloaded.Length);
        Assert.Equal(payload, downloaded[..payload.Length]);
        Assert.All(downloaded[payload.Length..], b => Assert.Equal(0, b));
        Assert.Equal(payload[1000..6000], await File.ReadAllBytesAsync(part));
    }

    [Fact]
    public async Task SparseVolumeStreamsWorkInMemory()
    {
        await using TestObjectsParity both = await TestObjectsParity.StartAsync();
        string upload = Path.Combine(both.Directory, "sparse.bin");
        byte[] first = [.. Enumerable.Range(0, 4096).Select(i => (byte)(i % 251 + 1))];
        await using (var file = new FileStream(upload, FileMode.Create))
        {
            await file.WriteAsync(first);
            file.Seek(400_000, SeekOrigin.Begin);
            await file.WriteAsync(first);
            file.SetLength(512 * 1024);
        }

        string down = Path.Combine(both.Directory, "down.bin");
        (await ExternalProcess.VirshAsync(
            both.OurUri,
            $"vol-create-as default-pool s 1M; vol-upload --sparse --pool default-pool s {upload}; vol-download --sparse --pool default-pool s {down}")
            .WaitAsync(TestTimeouts.Default)).EnsureSuccess("virsh sparse upload/download");
        byte[] expected = new byte[1024 * 1024];
        first.CopyTo(expected, 0);
        first.CopyTo(expected, 400_000);
        Assert.Equal(expected, await File.ReadAllBytesAsync(down));
    }

    // Starts a virsh event loop, gives it time to register, then runs the trigger commands in another virsh.
    private static async Task<string> WatchAsync(string uri, string watch, string trigger)
    {
        Task<ExternalProcess.Result> watcher = ExternalProcess.VirshAsync(uri, watch);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (await ExternalProcess.VirshAsync(uri, trigger).WaitAsync(TestTimeouts.Default)).EnsureSuccess("virsh trigger");
        ExternalProcess.Result result = await watcher.WaitAsync(TestTimeouts.Default);
        return $"exit {result.ExitCode}\n{result.Stdout}{result.Stderr}";
    }
}
