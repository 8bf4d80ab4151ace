using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>The generated procedure tables: numbering, names, body types and annotations.</summary>
public class ProcedureTableTests
{
    public static TheoryData<string, int> Counts => new()
    {
        { "remote", 453 },
        { "qemu", 7 },
        { "lxc", 1 },
        { "admin", 20 },
        { "keepalive", 2 },
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Procedures_are_numbered_from_1_without_gaps(string program, int count)
    {
        ProcedureTable table = GoldenFrame.Tables.Single(t => t.Name == program);
        Assert.Equal(Enumerable.Range(1, count), table.All.Select(p => p.Number).Order());
        Assert.Equal(count, table.All.Select(p => p.Name).Distinct().Count());
        string prefix = program.ToUpperInvariant() + "_PROC_";
        Assert.All(table.All, p => Assert.StartsWith(prefix, p.Name, StringComparison.Ordinal));
        Assert.All(table.All, p => Assert.Same(p, table.TryGet(p.Number, out ProcedureInfo? found) ? found : null));
        Assert.False(table.TryGet(0, out _));
        Assert.False(table.TryGet(count + 1, out _));
    }

    [Fact]
    public void Program_numbers_and_versions_are_libvirts()
    {
        Assert.Equal((0x20008086u, 1u), (RemoteProtocol.Procedures.Program, RemoteProtocol.Procedures.Version));
        Assert.Equal((0x20008087u, 1u), (QemuProtocol.Procedures.Program, QemuProtocol.Procedures.Version));
        Assert.Equal((0x00068000u, 1u), (LxcProtocol.Procedures.Program, LxcProtocol.Procedures.Version));
        Assert.Equal((0x06900690u, 1u), (AdminProtocol.Procedures.Program, AdminProtocol.Procedures.Version));
        Assert.Equal((0x6b656570u, 1u), (KeepaliveProtocol.Procedures.Program, KeepaliveProtocol.Procedures.Version));
    }

    [Theory]
    [MemberData(nameof(Libvirt900Procedures.Sample), MemberType = typeof(Libvirt900Procedures))]
    public void Remote_procedure_matches_libvirt_9_0_0(int number, string name)
    {
        Assert.True(RemoteProtocol.Procedures.TryGet(number, out ProcedureInfo? procedure));
        Assert.Equal(name, procedure.Name);
    }

    [Fact]
    public void Sample_of_libvirt_9_0_0_is_spread_over_all_its_procedures()
    {
        int[] numbers = ((IEnumerable<object[]>)Libvirt900Procedures.Sample).Select(row => (int)row[0]).ToArray();
        Assert.Equal(50, numbers.Distinct().Count());
        Assert.Equal(1, numbers.Min());
        Assert.Equal(Libvirt900Procedures.LastRemoteProcedure, numbers.Max());
    }

    [Theory]
    [InlineData("REMOTE_PROC_DOMAIN_SCREENSHOT", StreamDirection.Read, 0u)]
    [InlineData("REMOTE_PROC_STORAGE_VOL_UPLOAD", StreamDirection.Write, 1u)]
    [InlineData("REMOTE_PROC_STORAGE_VOL_DOWNLOAD", StreamDirection.Read, 1u)]
    [InlineData("REMOTE_PROC_DOMAIN_OPEN_CONSOLE", StreamDirection.Read, 0u)]
    [InlineData("REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME", StreamDirection.None, 0u)]
    public void Stream_metadata(string name, StreamDirection stream, uint sparseFlag)
    {
        ProcedureInfo procedure = Remote(name);
        Assert.Equal(stream, procedure.Stream);
        Assert.Equal(sparseFlag, procedure.SparseFlag);
    }

    [Fact]
    public void Event_procedures_have_an_event_body_and_no_call()
    {
        ProcedureInfo lifecycle = Remote("REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE");
        Assert.True(lifecycle.IsEvent);
        Assert.Same(DomainEventCallbackLifecycleMsg.XdrInfo, lifecycle.Event);
        Assert.Null(lifecycle.Args);
        Assert.Null(lifecycle.Ret);

        Assert.Same(QemuDomainMonitorEventMsg.XdrInfo, QemuProtocol.Procedures.All.Single(p => p.Name == "QEMU_PROC_DOMAIN_MONITOR_EVENT").Event);
        Assert.All(RemoteProtocol.Procedures.All.Where(p => p.IsEvent), p => Assert.Contains("_EVENT_", p.Name, StringComparison.Ordinal));
        Assert.True(RemoteProtocol.Procedures.All.Count(p => p.IsEvent) > 40);
        Assert.False(Remote("REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME").IsEvent);
    }

    [Fact]
    public void Body_types_are_found_by_name()
    {
        ProcedureInfo lookup = Remote("REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME");
        Assert.Same(DomainLookupByNameArgs.XdrInfo, lookup.Args);
        Assert.Same(DomainLookupByNameRet.XdrInfo, lookup.Ret);
        ProcedureInfo authList = Remote("REMOTE_PROC_AUTH_LIST");
        Assert.Null(authList.Args);
        Assert.Same(AuthListRet.XdrInfo, authList.Ret);
    }

    [Fact]
    public void File_descriptor_metadata()
    {
        Assert.Equal(FdPassing.Out, Remote("REMOTE_PROC_DOMAIN_OPEN_GRAPHICS_FD").Fds);
        Assert.Equal(FdPassing.In, Remote("REMOTE_PROC_DOMAIN_OPEN_GRAPHICS").Fds);
        Assert.Equal(FdPassing.None, Remote("REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME").Fds);
        Assert.Equal(FdPassing.Out, LxcProtocol.Procedures.All.Single().Fds);
        Assert.Equal(
            FdPassing.In | FdPassing.Out,
            QemuProtocol.Procedures.All.Single(p => p.Name == "QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES").Fds);
    }

    [Fact]
    public void Priority_metadata()
    {
        Assert.True(Remote("REMOTE_PROC_AUTH_LIST").HighPriority);
        Assert.False(Remote("REMOTE_PROC_DOMAIN_SCREENSHOT").HighPriority);
    }

    private static ProcedureInfo Remote(string name) => RemoteProtocol.Procedures.All.Single(p => p.Name == name);
}
