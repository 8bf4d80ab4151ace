using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// The argument table of the procedure sweep: a value per argument type and field name (objects from
/// <see cref="SweepFixtures"/>, "vda" for a disk, a scratch file for a save target, ...) and, where a procedure needs
/// something else, a per-procedure entry. New objects get names unique to the procedure that creates them, so that
/// a create does not collide with an earlier one.
/// </summary>
internal static class ProcedureSweepArguments
{
    private const string CpuXml = "<cpu><arch>x86_64</arch><model>core2duo</model><vendor>Intel</vendor></cpu>";

    /// <summary>Per-procedure values that differ from <see cref="Default"/>: procedure → field → value.</summary>
    private static readonly Dictionary<string, Func<SweepFixtures, Dictionary<string, object?>>> Overrides = new(StringComparer.Ordinal)
    {
        ["ConnectSupportsFeature"] = _ => new() { ["Feature"] = 9 }, // VIR_DRV_FEATURE_MIGRATION_PARAMS
        ["DomainLookupByName"] = _ => new() { ["Name"] = "test" },
        ["NetworkLookupByName"] = _ => new() { ["Name"] = "default" },
        ["StoragePoolLookupByName"] = _ => new() { ["Name"] = "default-pool" },
        ["StoragePoolLookupByTargetPath"] = _ => new() { ["Path"] = "/default-pool" },
        ["StorageVolLookupByName"] = _ => new() { ["Name"] = SweepFixtures.VolumeName },
        ["StorageVolLookupByKey"] = f => new() { ["Key"] = f.Volume.Key },
        ["StorageVolLookupByPath"] = f => new() { ["Path"] = f.Volume.Key },
        ["InterfaceLookupByName"] = _ => new() { ["Name"] = "eth1" },
        ["InterfaceLookupByMacString"] = _ => new() { ["Mac"] = "aa:bb:cc:dd:ee:ff" },
        ["NodeDeviceLookupScsiHostByWwn"] = _ => new() { ["Wwnn"] = "2000000012341234", ["Wwpn"] = "1000000012341234" },
        ["DomainSnapshotLookupByName"] = _ => new() { ["Name"] = SweepFixtures.SnapshotName },
        ["DomainCheckpointLookupByName"] = f => new() { ["Dom"] = f.CheckpointDomain, ["Name"] = SweepFixtures.CheckpointName },
        ["DomainListAllCheckpoints"] = f => new() { ["Dom"] = f.CheckpointDomain, ["NeedResults"] = 1 },
        ["NwfilterLookupByName"] = f => new() { ["Name"] = f.Nwfilter.Name },
        ["NwfilterBindingLookupByPortDev"] = _ => new() { ["Name"] = "vnet0" },
        ["DomainDefineXml"] = _ => new() { ["Xml"] = DomainXml("sweep-define") },
        ["DomainDefineXmlFlags"] = _ => new() { ["Xml"] = DomainXml("sweep-define-flags") },
        ["DomainCreateXml"] = _ => new() { ["XmlDesc"] = DomainXml("sweep-create") },
        ["DomainCreateXmlWithFiles"] = _ => new() { ["XmlDesc"] = DomainXml("sweep-create-files") },
        ["DomainAttachDevice"] = _ => new() { ["Xml"] = DiskXml("vdb") },
        ["DomainAttachDeviceFlags"] = _ => new() { ["Xml"] = DiskXml("vdc") },
        ["DomainDetachDevice"] = _ => new() { ["Xml"] = DiskXml("vdb") },
        ["DomainDetachDeviceFlags"] = _ => new() { ["Xml"] = DiskXml("vdc") },
        ["DomainUpdateDeviceFlags"] = _ => new() { ["Xml"] = DiskXml("vda") },
        ["DomainDetachDeviceAlias"] = _ => new() { ["Alias"] = "ua-sweep" },
        ["DomainSetMemory"] = _ => new() { ["Memory"] = 2097152UL },
        ["DomainSetMemoryFlags"] = _ => new() { ["Memory"] = 2097152UL },
        ["DomainSetMetadata"] = _ => new() { ["Type"] = 0, ["Metadata"] = "sweep description" },
        ["DomainGetMetadata"] = _ => new() { ["Type"] = 0 },
        ["NetworkSetMetadata"] = _ => new() { ["Type"] = 0, ["Metadata"] = "sweep description" },
        ["NetworkGetMetadata"] = _ => new() { ["Type"] = 0 },
        ["DomainSnapshotCreateXml"] = _ => new() { ["XmlDesc"] = "<domainsnapshot><name>sweep-snap-2</name></domainsnapshot>" },
        ["DomainCheckpointCreateXml"] = f => new() { ["Dom"] = f.CheckpointDomain, ["XmlDesc"] = "<domaincheckpoint><name>sweep-cp-2</name></domaincheckpoint>" },
        ["NetworkCreateXml"] = _ => new() { ["Xml"] = NetworkXml("sweep-net-create", 51) },
        ["NetworkCreateXmlFlags"] = _ => new() { ["Xml"] = NetworkXml("sweep-net-create-flags", 52) },
        ["NetworkDefineXml"] = _ => new() { ["Xml"] = NetworkXml("sweep-net-define", 53) },
        ["NetworkDefineXmlFlags"] = _ => new() { ["Xml"] = NetworkXml("sweep-net-define-flags", 54) },
        ["NetworkUpdate"] = _ => new()
        {
            ["Command"] = 3U, // VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
            ["Section"] = 4U, // VIR_NETWORK_SECTION_IP_DHCP_HOST
            ["ParentIndex"] = -1,
            ["Xml"] = "<host mac='52:54:00:00:00:01' name='sweep' ip='192.168.122.45'/>",
        },
        ["NetworkGetDhcpLeases"] = _ => new() { ["NeedResults"] = 1 },
        ["StoragePoolCreateXml"] = _ => new() { ["Xml"] = PoolXml("sweep-pool-create") },
        ["StoragePoolDefineXml"] = _ => new() { ["Xml"] = PoolXml("sweep-pool-define") },
        ["StorageVolCreateXml"] = _ => new() { ["Xml"] = VolumeXml("sweep-create.img") },
        ["StorageVolCreateXmlFrom"] = f => new() { ["Xml"] = VolumeXml("sweep-clone.img"), ["Clonevol"] = f.Volume },
        ["StorageVolResize"] = _ => new() { ["Capacity"] = 2097152UL },
        ["ConnectFindStoragePoolSources"] = _ => new() { ["Type"] = "logical" },
        ["InterfaceDefineXml"] = _ => new() { ["Xml"] = "<interface type='ethernet' name='sweep-if'><start mode='onboot'/><mac address='aa:bb:cc:dd:ee:01'/></interface>" },
        ["NodeDeviceCreateXml"] = _ => new() { ["XmlDesc"] = VhbaXml("2000000011112222", "1000000011112222") },
        ["NodeDeviceDefineXml"] = _ => new() { ["XmlDesc"] = VhbaXml("2000000033334444", "1000000033334444") },
        ["NodeDeviceUpdate"] = _ => new() { ["XmlDesc"] = VhbaXml("2000000012341234", "1000000012341234") },
        ["SecretDefineXml"] = _ => new() { ["Xml"] = "<secret ephemeral='no' private='no'><usage type='volume'><volume>/default-pool/sweep.img</volume></usage></secret>" },
        ["SecretSetValue"] = _ => new() { ["Value"] = "sweep"u8.ToArray() },
        ["SecretLookupByUsage"] = f => new() { ["UsageType"] = f.Secret.UsageType, ["UsageID"] = f.Secret.UsageID },
        ["NwfilterDefineXml"] = _ => new() { ["Xml"] = "<filter name='sweep-filter' chain='root'></filter>" },
        ["NwfilterDefineXmlFlags"] = _ => new() { ["Xml"] = "<filter name='sweep-filter' chain='root'></filter>" },
        ["NwfilterBindingCreateXml"] = _ => new() { ["Xml"] = "<filterbinding><owner><name>test</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid></owner><portdev name='vnet0'/><filterref filter='sweep-filter'/></filterbinding>" },
        ["NetworkPortCreateXml"] = _ => new() { ["Xml"] = "<networkport><owner><name>test</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid></owner><mac address='52:54:00:00:00:02'/></networkport>" },
        ["ConnectCompareCpu"] = _ => new() { ["Xml"] = CpuXml },
        ["ConnectBaselineCpu"] = _ => new() { ["XmlCPUs"] = new[] { CpuXml } },
        ["ConnectCompareHypervisorCpu"] = _ => new() { ["XmlCPU"] = CpuXml },
        ["ConnectBaselineHypervisorCpu"] = _ => new() { ["XmlCPUs"] = new[] { CpuXml } },
        ["ConnectGetCpuModelNames"] = _ => new() { ["Arch"] = "x86_64" },
        ["ConnectDomainXmlFromNative"] = _ => new() { ["NativeFormat"] = "qemu-argv", ["NativeConfig"] = "qemu-system-x86_64 -m 64" },
        ["ConnectDomainXmlToNative"] = _ => new() { ["NativeFormat"] = "qemu-argv", ["DomainXml"] = DomainXml("sweep-native") },
        ["DomainSendKey"] = _ => new() { ["Keycodes"] = new uint[] { 30 } },
        ["DomainSendProcessSignal"] = _ => new() { ["PidValue"] = 1L, ["Signum"] = 0U },
        ["DomainSetVcpus"] = _ => new() { ["Nvcpus"] = 2U },
        ["DomainSetVcpusFlags"] = _ => new() { ["Nvcpus"] = 2U },
        ["DomainSetGuestVcpus"] = _ => new() { ["Cpumap"] = "1", ["State"] = 1 },
        ["DomainSetVcpu"] = _ => new() { ["Cpumap"] = "1", ["State"] = 1 },
        ["DomainAddIothread"] = _ => new() { ["IothreadId"] = 6U },
        ["DomainDelIothread"] = _ => new() { ["IothreadId"] = 6U },
        ["DomainPmSuspendForDuration"] = _ => new() { ["Target"] = 0U, ["Duration"] = 0UL },
        ["NodeSuspendForDuration"] = _ => new() { ["Target"] = 0U, ["Duration"] = 60UL },
        ["DomainSaveImageDefineXml"] = _ => new() { ["Dxml"] = TestDomainXml },
        ["DomainRename"] = f => new() { ["Dom"] = Spare(f, "sweep-define-flags"), ["NewName"] = "sweep-renamed" },
        ["DomainUndefine"] = f => new() { ["Dom"] = Spare(f, "sweep-define") },
        ["DomainUndefineFlags"] = f => new() { ["Dom"] = Spare(f, "sweep-renamed") },
        ["DomainDestroyFlags"] = f => new() { ["Dom"] = Spare(f, "sweep-create") },
        ["DomainSetMaxMemory"] = f => new() { ["Dom"] = Spare(f, "sweep-define"), ["Memory"] = 2097152UL },
        ["NetworkCreate"] = f => new() { ["Net"] = f.SpareNetwork ?? f.Network },
        ["NetworkDestroy"] = f => new() { ["Net"] = f.SpareNetwork ?? f.Network },
        ["NetworkUndefine"] = f => new() { ["Net"] = f.SpareNetwork ?? f.Network },
        ["InterfaceCreate"] = f => new() { ["Iface"] = f.SpareInterface ?? f.Interface },
        ["InterfaceDestroy"] = f => new() { ["Iface"] = f.SpareInterface ?? f.Interface },
        ["InterfaceUndefine"] = f => new() { ["Iface"] = f.SpareInterface ?? f.Interface },
        ["StoragePoolBuild"] = f => new() { ["Pool"] = f.SparePool ?? f.Pool },
        ["StoragePoolCreate"] = f => new() { ["Pool"] = f.SparePool ?? f.Pool },
        ["StoragePoolDestroy"] = f => new() { ["Pool"] = f.SparePool ?? f.Pool },
        ["StoragePoolDelete"] = f => new() { ["Pool"] = f.SparePool ?? f.Pool },
        ["StoragePoolUndefine"] = f => new() { ["Pool"] = f.SparePool ?? f.Pool },
        ["NodeDeviceDestroy"] = f => new() { ["Name"] = f.Vhba?.Name ?? "sweep-vhba" },
        ["DomainSnapshotGetParent"] = f => new() { ["Snap"] = new NonnullDomainSnapshot { Dom = f.Domain, Name = "sweep-snap-2" } },
        ["DomainCheckpointGetParent"] = f => new() { ["Checkpoint"] = new NonnullDomainCheckpoint { Dom = f.CheckpointDomain, Name = "sweep-cp-2" } },
        ["DomainPinIothread"] = _ => new() { ["IothreadsId"] = SweepFixtures.IothreadId },
        ["DomainGetSchedulerParameters"] = _ => new() { ["Nparams"] = 1 },
        ["DomainGetSchedulerParametersFlags"] = _ => new() { ["Nparams"] = 1 },
        ["DomainGetSchedulerParameters/zero"] = _ => new() { ["Nparams"] = 0 },
        ["DomainGetSchedulerParametersFlags/zero"] = _ => new() { ["Nparams"] = 0 },
        ["DomainSetSchedulerParameters"] = _ => new() { ["Params"] = new[] { Uint("weight", 100) } },
        ["DomainSetSchedulerParametersFlags"] = _ => new() { ["Params"] = new[] { Uint("weight", 100) } },
        ["DomainSetMemoryParameters"] = _ => new() { ["Params"] = new[] { Ullong("hard_limit", 4194304) } },
        ["DomainSetBlkioParameters"] = _ => new() { ["Params"] = new[] { Uint("weight", 500) } },
        ["DomainSetNumaParameters"] = _ => new() { ["Params"] = new[] { new TypedParam { Field = "numa_nodeset", Value = new TypedParamValue { Type = 7, S = "0" } } } },
        ["DomainSetInterfaceParameters"] = _ => new() { ["Params"] = new[] { Uint("inbound.average", 1000) } },
        ["DomainSetBlockIoTune"] = _ => new() { ["Params"] = new[] { Ullong("total_bytes_sec", 1048576) } },
        ["DomainSetPerfEvents"] = _ => new() { ["Params"] = new[] { new TypedParam { Field = "cmt", Value = new TypedParamValue { Type = 6, B = 1 } } } },
        ["DomainSetIothreadParams"] = _ => new() { ["IothreadId"] = SweepFixtures.IothreadId, ["Params"] = new[] { Ullong("poll_max_ns", 1000) } },
        ["NodeSetMemoryParameters"] = _ => new() { ["Params"] = new[] { Uint("shm_pages_to_scan", 100) } },
        ["ConnectSetIdentity"] = _ => new() { ["Params"] = new[] { new TypedParam { Field = "user-name", Value = new TypedParamValue { Type = 7, S = "sweep" } } } },
        ["ConnectSetIdentity/unknown"] = _ => new() { ["Params"] = new[] { new TypedParam { Field = "sweep-field", Value = new TypedParamValue { Type = 7, S = "sweep" } } } },
        ["DomainBlockCopy"] = f => new() { ["Destxml"] = $"<disk type='file'><source file='{f.Scratch}/copy.img'/></disk>" },
        ["DomainBackupBegin"] = f => new() { ["BackupXml"] = $"<domainbackup><disks><disk name='vda' type='file'><target file='{f.Scratch}/backup.img'/></disk></disks></domainbackup>" },
        ["DomainAuthorizedSshKeysSet"] = _ => new() { ["Keys"] = new[] { "ssh-ed25519 AAAA sweep" } },
        ["DomainFsfreeze"] = _ => new() { ["Mountpoints"] = Array.Empty<string>() },
        ["DomainSetUserPassword"] = _ => new() { ["User"] = "root", ["Password"] = "sweep" },
        ["DomainSetBlockThreshold"] = _ => new() { ["Dev"] = "vda", ["Threshold"] = 1024UL },
        ["DomainSetLifecycleAction"] = _ => new() { ["Type"] = 0U, ["Action"] = 0U },
        ["DomainSetTime"] = _ => new() { ["Seconds"] = 1_700_000_000L },
        ["NodeGetFreePages"] = _ => new() { ["Pages"] = new uint[] { 4 }, ["CellCount"] = 1U },
        ["NodeAllocPages"] = _ => new() { ["PageSizes"] = new uint[] { 4 }, ["PageCounts"] = new ulong[] { 1 }, ["CellCount"] = 1U },
        ["DomainBlockPeek"] = _ => new() { ["Size"] = 512U },
        ["DomainMemoryPeek"] = _ => new() { ["Size"] = 512U, ["Flags"] = 1U }, // VIR_MEMORY_VIRTUAL
        ["DomainCoreDumpWithFormat"] = _ => new() { ["Dumpformat"] = 0U },
        ["AuthSaslStart"] = _ => new() { ["Mech"] = "PLAIN", ["Nil"] = 1 },
        ["AuthSaslStep"] = _ => new() { ["Nil"] = 1 },
        ["DomainGetCpuStats"] = _ => new() { ["Nparams"] = 0U, ["StartCpu"] = -1, ["Ncpus"] = 1U },
        ["NodeGetCpuStats"] = _ => new() { ["CpuNum"] = -1 },
        ["NodeGetMemoryStats"] = _ => new() { ["CellNum"] = -1 },
        ["NodeGetCellsFreeMemory"] = _ => new() { ["Maxcells"] = 8 },
        ["DomainMigratePerform"] = _ => new() { ["Uri"] = "tcp://127.0.0.1:1" },
        ["DomainMigrateFinish"] = _ => new() { ["Dname"] = "test", ["Uri"] = "tcp://127.0.0.1:1" },
        ["DomainMigrateFinish2"] = _ => new() { ["Dname"] = "test", ["Uri"] = "tcp://127.0.0.1:1" },
        ["DomainMigrateFinish3"] = _ => new() { ["Dname"] = "test" },
        ["DomainMigratePrepare2"] = _ => new() { ["DomXml"] = DomainXml("sweep-migrate") },
        ["DomainMigratePrepare3"] = _ => new() { ["DomXml"] = DomainXml("sweep-migrate") },
        ["DomainGetBlockIoTune"] = _ => new() { ["Disk"] = "vda" },
        ["DomainDelThrottleGroup"] = _ => new() { ["Group"] = "sweep-group" },
        ["DomainSetThrottleGroup"] = _ => new() { ["Group"] = "sweep-group" },
        ["DomainFdAssociate"] = _ => new() { ["Name"] = "sweep-fds" },
        ["ConnectGetAllDomainStats"] = _ => new() { ["Stats"] = 0U }, // every group the driver has
        ["DomainGetGuestInfo"] = _ => new() { ["Types"] = 0U },
        ["DomainAgentSetResponseTimeout"] = _ => new() { ["Timeout"] = -1 },
        ["DomainStartDirtyRateCalc"] = _ => new() { ["Seconds"] = 1 },
    };

    /// <summary>The arguments of <paramref name="procedure"/>, an instance of <paramref name="type"/>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Test code; the generated argument structs are not trimmed.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Test code; the generated argument structs are not trimmed.")]
    public static object Build(string procedure, string? variant, Type type, SweepFixtures fixtures)
    {
        object args = Activator.CreateInstance(type)!;
        Dictionary<string, object?> specific = Overrides.TryGetValue(procedure, out var entry) ? entry(fixtures) : [];
        if (variant is not null)
        {
            // A variant starts from the defaults, not from the first call's values.
            specific = Overrides.TryGetValue($"{procedure}/{variant}", out var other) ? other(fixtures) : [];
            if (variant == "huge")
            {
                specific = new(specific) { ["Nparams"] = type.GetField("Nparams")!.FieldType == typeof(uint) ? (object)1000U : 1000 };
            }
        }

        foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            object? value = specific.TryGetValue(field.Name, out object? given) ? given : Default(procedure, field, fixtures);
            field.SetValue(args, value);
        }

        return args;
    }

    private static object? Default(string procedure, FieldInfo field, SweepFixtures f)
    {
        Type type = field.FieldType;
        bool nullable = new NullabilityInfoContext().Create(field).WriteState == NullabilityState.Nullable;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return ObjectFor(underlying, f);
        }

        if (ObjectFor(type, f) is { } obj)
        {
            return obj;
        }

        if (type == typeof(NonnullDomain[]))
        {
            return new[] { f.Domain };
        }

        if (type == typeof(TypedParam[]))
        {
            return Array.Empty<TypedParam>();
        }

        return field.Name switch
        {
            "Uuid" when type == typeof(byte[]) => UuidFor(procedure, f),
            "Cpumap" when type == typeof(byte[]) => new byte[] { 0x1 },
            _ when type == typeof(byte[]) => Array.Empty<byte>(),
            _ when type == typeof(string[]) => Array.Empty<string>(),
            _ when type == typeof(uint[]) => Array.Empty<uint>(),
            _ when type == typeof(ulong[]) => Array.Empty<ulong>(),
            _ when type == typeof(string) && nullable => null,
            _ when type == typeof(string) => StringFor(procedure, field.Name, f),
            "Maxnames" or "Maxids" or "Maxuuids" or "Maxinfo" or "NeedResults" or "NeedMap" or "NeedOnline" or "Ncpumaps" or "Maplen" or "Maxcells" => Convert(1 + (field.Name is "Maxnames" or "Maxids" or "Maxuuids" ? 15 : 0), type),
            "Id" => f.Domain.Id,
            "Nparams" => Convert(8, type),
            "CallbackID" => f.CallbackIds.GetValueOrDefault(procedure.Replace("Deregister", "Register", StringComparison.Ordinal)),
            "MaxStats" or "Maxerrors" => Convert(8, type),
            "Size" => Convert(512, type),
            "Nvcpus" => Convert(2, type),
            "IothreadId" or "IothreadsId" => Convert(1, type),
            _ => Convert(0, type),
        };
    }

    private static object? ObjectFor(Type type, SweepFixtures f)
        => type == typeof(NonnullDomain) ? f.Domain
        : type == typeof(NonnullNetwork) ? f.Network
        : type == typeof(NonnullStoragePool) ? f.Pool
        : type == typeof(NonnullStorageVol) ? f.Volume
        : type == typeof(NonnullInterface) ? f.Interface
        : type == typeof(NonnullNodeDevice) ? f.NodeDevice
        : type == typeof(NonnullDomainSnapshot) ? f.Snapshot
        : type == typeof(NonnullDomainCheckpoint) ? f.Checkpoint
        : type == typeof(NonnullSecret) ? f.Secret
        : type == typeof(NonnullNwfilter) ? f.Nwfilter
        : type == typeof(NonnullNwfilterBinding) ? f.NwfilterBinding
        : type == typeof(NonnullNetworkPort) ? f.NetworkPort
        : null;

    private static byte[] UuidFor(string procedure, SweepFixtures f)
        => procedure.StartsWith("Domain", StringComparison.Ordinal) ? f.Domain.Uuid
        : procedure.StartsWith("NetworkPort", StringComparison.Ordinal) ? f.NetworkPort.Uuid
        : procedure.StartsWith("Network", StringComparison.Ordinal) ? f.Network.Uuid
        : procedure.StartsWith("StoragePool", StringComparison.Ordinal) ? f.Pool.Uuid
        : procedure.StartsWith("Nwfilter", StringComparison.Ordinal) ? f.Nwfilter.Uuid
        : f.Secret.Uuid;

    private static string StringFor(string procedure, string field, SweepFixtures f) => field switch
    {
        "Name" when procedure.StartsWith("NodeDevice", StringComparison.Ordinal) => f.NodeDevice.Name,
        "Path" or "Disk" or "Dev" => "vda",
        "Device" => "aa:bb:cc:dd:ee:ff",
        "To" when procedure.StartsWith("DomainCoreDump", StringComparison.Ordinal) => Path.Combine(f.Scratch, procedure + ".core"),
        // Save, restore and the save-image calls share one image, in that order (they run last).
        "To" or "File" or "From" => Path.Combine(f.Scratch, "domain.save"),
        "Xml" or "XmlDesc" or "DomXml" or "Dxml" or "XmlCPU" or "Destxml" or "BackupXml" or "DomainXml" => "<sweep/>",
        "User" => "root",
        _ => "sweep",
    };

    private static object Convert(int value, Type type) => System.Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);

    private const string TestDomainXml = "<domain type='test'><name>test</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>"
        + "<memory>8388608</memory><currentMemory>2097152</currentMemory><vcpu>2</vcpu><os><type>hvm</type></os></domain>";

    private static NonnullDomain Spare(SweepFixtures f, string name) => f.Domains.TryGetValue(name, out NonnullDomain domain) ? domain : f.Domain;

    private static TypedParam Uint(string field, uint value) => new() { Field = field, Value = new TypedParamValue { Type = 2, Ui = value } };

    private static TypedParam Ullong(string field, ulong value) => new() { Field = field, Value = new TypedParamValue { Type = 4, Ul = value } };

    private static string DomainXml(string name)
        => $"<domain type='test'><name>{name}</name><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";

    private static string DiskXml(string target)
        => $"<disk type='file' device='disk'><source file='/guest/{target}.img'/><target dev='{target}' bus='virtio'/></disk>";

    private static string NetworkXml(string name, int subnet)
        => $"<network><name>{name}</name><bridge name='virbr{subnet}'/><ip address='192.168.{subnet}.1' netmask='255.255.255.0'/></network>";

    private static string PoolXml(string name) => $"<pool type='dir'><name>{name}</name><target><path>/{name}</path></target></pool>";

    private static string VolumeXml(string name) => $"<volume><name>{name}</name><capacity>1048576</capacity></volume>";

    private static string VhbaXml(string wwnn, string wwpn)
        => $"<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'><wwnn>{wwnn}</wwnn><wwpn>{wwpn}</wwpn></capability></capability></device>";
}
