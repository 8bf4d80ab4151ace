using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>The generated typed calls (<see cref="LibvirtConnection.Remote"/>, <c>Qemu</c>, <c>Lxc</c>) against libvirtd's test driver.</summary>
public sealed class GeneratedCallsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private PrivateLibvirtd _daemon = null!;
    private LibvirtConnection _connection = null!;

    public async Task InitializeAsync()
    {
        _daemon = await PrivateLibvirtd.StartAsync();
        _connection = await LibvirtConnection.OpenAsync($"test+unix:///default?socket={_daemon.SocketPath}").WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _daemon.DisposeAsync();
    }

    [Fact]
    public async Task ReadsTheHost()
    {
        RemoteCalls remote = _connection.Remote;
        // libvirtd may qualify the name (FQDN); the machine name is its first label.
        string hostname = (await remote.ConnectGetHostnameAsync().AsTask().WaitAsync(Timeout)).Hostname;
        Assert.StartsWith(Environment.MachineName, hostname, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<capabilities>", (await remote.ConnectGetCapabilitiesAsync().AsTask().WaitAsync(Timeout)).Capabilities, StringComparison.Ordinal);

        ConnectListAllNetworksRet networks = await remote.ConnectListAllNetworksAsync(new ConnectListAllNetworksArgs { NeedResults = 1 }).AsTask().WaitAsync(Timeout);
        Assert.Equal("default", Assert.Single(networks.Nets).Name);
        Assert.Equal(1u, networks.Ret);

        ConnectListAllStoragePoolsRet pools = await remote.ConnectListAllStoragePoolsAsync(new ConnectListAllStoragePoolsArgs { NeedResults = 1 }).AsTask().WaitAsync(Timeout);
        Assert.Equal("default-pool", Assert.Single(pools.Pools).Name);

        ulong free = (await remote.NodeGetFreeMemoryAsync().AsTask().WaitAsync(Timeout)).FreeMem;
        Assert.True(free > 0, $"free memory {free}");
    }

    [Fact]
    public async Task ReadsADomain()
    {
        RemoteCalls remote = _connection.Remote;
        NonnullDomain test = (await remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = "test" }).AsTask().WaitAsync(Timeout)).Dom;
        Assert.Equal(1, test.Id);

        DomainGetInfoRet info = await remote.DomainGetInfoAsync(new DomainGetInfoArgs { Dom = test }).AsTask().WaitAsync(Timeout);
        Assert.Equal(1, info.State); // VIR_DOMAIN_RUNNING
        Assert.Equal(2, info.NrVirtCpu);
        Assert.True(info.Memory > 0 && info.Memory <= info.MaxMem, $"memory {info.Memory} of {info.MaxMem}");

        string xml = (await remote.DomainGetXmlDescAsync(new DomainGetXmlDescArgs { Dom = test }).AsTask().WaitAsync(Timeout)).Xml;
        Assert.Contains("<name>test</name>", xml, StringComparison.Ordinal);

        DomainGetSchedulerTypeRet scheduler = await remote.DomainGetSchedulerTypeAsync(new DomainGetSchedulerTypeArgs { Dom = test }).AsTask().WaitAsync(Timeout);
        Assert.Equal("fair", scheduler.Type);
        Assert.Equal(1, scheduler.Nparams);

        DomainGetSchedulerParametersRet parameters = await remote.DomainGetSchedulerParametersAsync(
            new DomainGetSchedulerParametersArgs { Dom = test, Nparams = scheduler.Nparams }).AsTask().WaitAsync(Timeout);
        TypedParam weight = Assert.Single(parameters.Params);
        Assert.Equal("weight", weight.Field);
        Assert.Equal(2, weight.Value.Type); // VIR_TYPED_PARAM_UINT
        Assert.Equal(50u, weight.Value.Ui);

        // libvirt's public API always adds VIR_TYPED_PARAM_STRING_OKAY (4) here, and the 9.0.0 test driver
        // accepts no flags, so the Flags variant fails on the daemon's side (python-libvirt in-process too).
        LibvirtException flags = await Assert.ThrowsAsync<LibvirtException>(
            () => remote.DomainGetSchedulerParametersFlagsAsync(new DomainGetSchedulerParametersFlagsArgs { Dom = test, Nparams = scheduler.Nparams }).AsTask().WaitAsync(Timeout));
        Assert.Equal(ErrorCode.InvalidArg, flags.Code);
        Assert.Equal(ErrorDomain.Test, flags.Domain);
        Assert.Equal("unsupported flags (0x4) in function testDomainGetSchedulerParametersFlags", flags.Message);
    }

    [Fact]
    public async Task DefinesAndUndefinesADomain()
    {
        RemoteCalls remote = _connection.Remote;
        const string Xml = "<domain type='test'><name>generated-calls</name><memory>1024</memory><os><type>hvm</type></os></domain>";
        NonnullDomain defined = (await remote.DomainDefineXmlFlagsAsync(new DomainDefineXmlFlagsArgs { Xml = Xml }).AsTask().WaitAsync(Timeout)).Dom;
        Assert.Equal("generated-calls", defined.Name);
        Assert.Equal(-1, defined.Id); // defined, not running
        NonnullDomain found = (await remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = "generated-calls" }).AsTask().WaitAsync(Timeout)).Dom;
        Assert.Equal(defined.Uuid, found.Uuid);

        await remote.DomainUndefineFlagsAsync(new DomainUndefineFlagsArgs { Dom = defined }).AsTask().WaitAsync(Timeout);
        LibvirtException gone = await Assert.ThrowsAsync<LibvirtException>(
            () => remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = "generated-calls" }).AsTask().WaitAsync(Timeout));
        Assert.Equal(ErrorCode.NoDomain, gone.Code);
        Assert.Equal(ErrorDomain.Test, gone.Domain);
    }

    [Fact]
    public async Task QemuAndLxcProgramsReachTheDriverWhichRefusesThem()
    {
        NonnullDomain test = await _connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        LibvirtException qemu = await Assert.ThrowsAsync<LibvirtException>(
            () => _connection.Qemu.QemuDomainMonitorCommandAsync(new QemuDomainMonitorCommandArgs { Dom = test, Cmd = "{\"execute\":\"query-status\"}" }).AsTask().WaitAsync(Timeout));
        Assert.IsNotType<UnknownProcedureException>(qemu);
        Assert.Equal(ErrorCode.NoSupport, qemu.Code);
        Assert.Equal(ErrorDomain.None, qemu.Domain);
        Assert.Equal("this function is not supported by the connection driver: virDomainQemuMonitorCommand", qemu.Message);

        LibvirtException lxc = await Assert.ThrowsAsync<LibvirtException>(
            () => _connection.Lxc.LxcDomainOpenNamespaceAsync(new LxcDomainOpenNamespaceArgs { Dom = test }).AsTask().WaitAsync(Timeout));
        Assert.Equal(ErrorCode.NoSupport, lxc.Code);
        Assert.Equal("this function is not supported by the connection driver: virDomainLxcOpenNamespace", lxc.Message);

        // The errors end the calls, not the connection.
        Assert.Equal("test", (await _connection.Remote.DomainLookupByIdAsync(new DomainLookupByIdArgs { Id = 1 }).AsTask().WaitAsync(Timeout)).Dom.Name);
    }
}
