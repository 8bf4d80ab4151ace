using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Public API names and read-only rules in the procedure tables (from libvirt 11.3.0's public API functions).</summary>
public class ReadOnlyPolicyTests
{
    /// <summary>Calls that run no public API function: the authentication steps the RPC layer answers itself.</summary>
    private static readonly string[] NoPublicApi =
    [
        "REMOTE_PROC_AUTH_LIST",
        "REMOTE_PROC_AUTH_SASL_INIT",
        "REMOTE_PROC_AUTH_SASL_START",
        "REMOTE_PROC_AUTH_SASL_STEP",
        "REMOTE_PROC_AUTH_POLKIT",
    ];

    private static IEnumerable<ProcedureInfo> All
        => RemoteProtocol.Procedures.All.Concat(QemuProtocol.Procedures.All).Concat(LxcProtocol.Procedures.All);

    [Fact]
    public void Unconditional_and_conditional_refusals_count_as_in_libvirt_11_3_0()
    {
        Assert.Equal(201, RemoteProtocol.Procedures.All.Count(p => p.ReadOnly.Rule == ReadOnlyRule.Deny));
        Assert.Equal(6, QemuProtocol.Procedures.All.Count(p => p.ReadOnly.Rule == ReadOnlyRule.Deny));
        Assert.Equal(1, LxcProtocol.Procedures.All.Count(p => p.ReadOnly.Rule == ReadOnlyRule.Deny));
        Assert.Equal(
            ["REMOTE_PROC_DOMAIN_CHECKPOINT_GET_XML_DESC", "REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS", "REMOTE_PROC_DOMAIN_GET_XML_DESC",
             "REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES", "REMOTE_PROC_DOMAIN_MANAGED_SAVE_GET_XML_DESC", "REMOTE_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC"],
            All.Where(p => p.ReadOnly.Rule is ReadOnlyRule.DenyWhenFlagsSet or ReadOnlyRule.DenyWhenArgumentEquals).Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Destroy_is_refused_with_libvirts_message()
    {
        ProcedureInfo destroy = Get(RemoteProtocol.Procedures, (int)Procedure.DomainDestroy);
        Assert.Equal("virDomainDestroy", destroy.PublicApi);
        Assert.Equal(ReadOnlyRule.Deny, destroy.ReadOnly.Rule);
        Assert.True(destroy.ReadOnly.Denies(0));
        Assert.Equal("operation forbidden: read only access prevents virDomainDestroy", destroy.ReadOnly.Message);
        Assert.Equal(20, destroy.ErrorDomain);
        Assert.Equal(29, ReadOnlyPolicy.ErrorCode);
    }

    [Fact]
    public void Hostname_is_allowed()
    {
        ProcedureInfo hostname = Get(RemoteProtocol.Procedures, (int)Procedure.ConnectGetHostname);
        Assert.Equal("virConnectGetHostname", hostname.PublicApi);
        Assert.Same(ReadOnlyPolicy.Allowed, hostname.ReadOnly);
        Assert.False(hostname.ReadOnly.Denies(ulong.MaxValue));
    }

    [Fact]
    public void GetXMLDesc_is_refused_only_with_the_secure_or_migratable_flag()
    {
        ProcedureInfo xml = Get(RemoteProtocol.Procedures, (int)Procedure.DomainGetXmlDesc);
        Assert.Equal("virDomainGetXMLDesc", xml.PublicApi);
        Assert.Equal((ReadOnlyRule.DenyWhenFlagsSet, "flags", 0x9ul), (xml.ReadOnly.Rule, xml.ReadOnly.Argument, xml.ReadOnly.Value));
        Assert.False(xml.ReadOnly.Denies(0));
        Assert.False(xml.ReadOnly.Denies(0x2 | 0x4)); // inactive, update-cpu
        Assert.True(xml.ReadOnly.Denies(0x1));        // secure
        Assert.True(xml.ReadOnly.Denies(0x8));        // migratable
        Assert.Equal("operation forbidden: virDomainGetXMLDesc with secure flag", xml.ReadOnly.Message);
    }

    [Fact]
    public void Argument_and_vcpu_guest_rules()
    {
        ProcedureInfo addresses = Get(RemoteProtocol.Procedures, (int)Procedure.DomainInterfaceAddresses);
        Assert.Equal((ReadOnlyRule.DenyWhenArgumentEquals, "source", 1ul), (addresses.ReadOnly.Rule, addresses.ReadOnly.Argument, addresses.ReadOnly.Value));
        Assert.False(addresses.ReadOnly.Denies(0)); // lease
        Assert.True(addresses.ReadOnly.Denies(1));  // agent
        Assert.False(addresses.ReadOnly.Denies(2)); // arp
        ProcedureInfo vcpus = Get(RemoteProtocol.Procedures, (int)Procedure.DomainGetVcpusFlags);
        Assert.Equal("operation forbidden: read only access prevents virDomainGetVcpusFlags", vcpus.ReadOnly.Message);
        Assert.True(vcpus.ReadOnly.Denies(0x8));
        Assert.False(vcpus.ReadOnly.Denies(0x2));
    }

    [Fact]
    public void Every_call_names_its_public_api_except_the_authentication_steps()
    {
        foreach (ProcedureInfo p in All.Where(p => !p.IsEvent))
        {
            if (NoPublicApi.Contains(p.Name))
            {
                Assert.Null(p.PublicApi);
                Assert.Same(ReadOnlyPolicy.Allowed, p.ReadOnly);
            }
            else
            {
                Assert.True(p.PublicApi is { Length: > 3 } api && api.StartsWith("vir", StringComparison.Ordinal), p.Name);
            }
        }

        Assert.All(All.Where(p => p.IsEvent), p => Assert.Null(p.PublicApi));
    }

    [Fact]
    public void Refusal_messages_name_the_public_api()
    {
        Assert.All(All.Where(p => p.ReadOnly.Rule != ReadOnlyRule.Allow), p =>
        {
            Assert.Contains(p.PublicApi!, p.ReadOnly.Message, StringComparison.Ordinal);
            Assert.StartsWith("operation forbidden: ", p.ReadOnly.Message, StringComparison.Ordinal);
        });
        Assert.All(All.Where(p => p.ReadOnly.Rule == ReadOnlyRule.Deny), p =>
            Assert.Equal("read only access prevents " + p.PublicApi, p.ReadOnly.Detail));
    }

    [Fact]
    public void Error_domains_follow_the_file_of_the_public_api()
    {
        Assert.Equal(35, Get(RemoteProtocol.Procedures, (int)Procedure.DomainSnapshotGetXmlDesc).ErrorDomain);
        Assert.Equal(69, Get(RemoteProtocol.Procedures, (int)Procedure.DomainCheckpointGetXmlDesc).ErrorDomain);
        Assert.Equal(19, Get(RemoteProtocol.Procedures, (int)Procedure.NetworkDestroy).ErrorDomain);
        Assert.Equal(18, Get(RemoteProtocol.Procedures, (int)Procedure.StoragePoolDestroy).ErrorDomain);
        Assert.Equal(22, Get(RemoteProtocol.Procedures, (int)Procedure.NodeDeviceDestroy).ErrorDomain);
        Assert.Equal(20, Get(RemoteProtocol.Procedures, (int)Procedure.NodeGetSevInfo).ErrorDomain);
        Assert.Equal(0, Get(QemuProtocol.Procedures, (int)QemuProcedure.DomainMonitorCommand).ErrorDomain);
    }

    [Fact]
    public void Node_device_get_autostart_is_allowed_in_11_3_0()
        => Assert.Equal(ReadOnlyRule.Allow, Get(RemoteProtocol.Procedures, (int)Procedure.NodeDeviceGetAutostart).ReadOnly.Rule);

    private static ProcedureInfo Get(ProcedureTable table, int number)
        => table.TryGet(number, out ProcedureInfo? p) ? p : throw new InvalidOperationException($"no procedure {number}");
}
