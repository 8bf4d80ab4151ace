using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Objects;

namespace LibvirtRemote.Server.TestHypervisor.Domains;

/// <summary>
/// A domain's configuration as the test hypervisor keeps it: the fields the APIs read or change are parsed, the rest
/// of the document is kept element by element and written back in libvirt's element order.
/// </summary>
internal sealed class DomainDefinition
{
    // libvirt writes a domain's top-level elements in this order whatever order the input used.
    private static readonly string[] ElementOrder =
    [
        "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory", "currentMemory", "blkiotune",
        "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads", "iothreadids", "cputune", "numatune", "resource",
        "sysinfo", "bootloader", "bootloader_args", "os", "idmap", "features", "cpu", "clock", "on_poweroff",
        "on_reboot", "on_crash", "on_lockfailure", "pm", "perf", "devices", "seclabel", "keywrap", "launchSecurity",
    ];

    private static readonly HashSet<string> Modelled =
        ["name", "uuid", "memory", "currentMemory", "vcpu", "vcpus", "os", "clock", "on_poweroff", "on_reboot", "on_crash", "devices"];

    private List<XElement> _other = [];

    public required string Type { get; set; }

    public required string Name { get; set; }

    public required byte[] Uuid { get; set; }

    public ulong MemoryKiB { get; set; }

    public ulong CurrentMemoryKiB { get; set; }

    private int _maxVcpus = 1;

    private int _vcpus = 1;

    /// <summary>Changing the maximum resizes the per-vCPU states as libvirt resizes them; the current count follows.</summary>
    public int MaxVcpus
    {
        get => _maxVcpus;
        set
        {
            _maxVcpus = value;
            if (VcpuStates is not null)
            {
                DomainVcpuStates.SetMaximum(VcpuStates, value);
                _vcpus = VcpuStates.Count(s => s.Online);
            }
        }
    }

    /// <summary>Changing the current count brings the lowest-numbered vCPUs online, as libvirt does.</summary>
    public int Vcpus
    {
        get => _vcpus;
        set
        {
            _vcpus = value;
            if (VcpuStates is not null)
            {
                DomainVcpuStates.SetCurrent(VcpuStates, value);
            }
        }
    }

    /// <summary>The per-vCPU states of &lt;vcpus&gt;, or null when the definition gives none.</summary>
    public List<VcpuState>? VcpuStates { get; private set; }

    /// <summary>True for &lt;vcpu placement='auto'&gt;, which libvirt writes back.</summary>
    public bool VcpuPlacementAuto { get; set; }

    public required XElement Os { get; set; }

    public XElement Clock { get; set; } = new("clock", new XAttribute("offset", "utc"));

    public string OnPoweroff { get; set; } = "destroy";

    public string OnReboot { get; set; } = "restart";

    public string OnCrash { get; set; } = "destroy";

    public List<XElement> Devices { get; private set; } = [];

    /// <summary>Pinning set through the API (not written into the XML).</summary>
    public DomainTuning Tuning { get; private set; } = new();

    public string OsType => Os.Element("type")?.Value ?? "hvm";

    /// <summary>A top-level element kept as written (title, description, metadata, ...), or null.</summary>
    public XElement? FindElement(string name) => _other.Find(e => e.Name.LocalName == name);

    /// <summary>Replaces (or with null removes) a top-level element kept as written.</summary>
    public void SetElement(string name, XElement? element)
    {
        _other.RemoveAll(e => e.Name.LocalName == name);
        if (element is not null)
        {
            _other.Add(element);
        }
    }

    /// <summary>Parses domain XML as define/create accept it, with libvirt's errors for what it rejects.</summary>
    // The hypervisor types libvirt 9.0.0's domain parser knows; the capabilities check comes later.
    private static readonly HashSet<string> VirtTypes =
        ["none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test", "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf"];

    public static DomainDefinition Parse(string xml)
    {
        XElement root = TestXml.ParseElement(xml, "domain_definition", ErrorDomain.Domain);

        if (root.Name.LocalName != "domain")
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: expecting root element of 'domain', not '{root.Name.LocalName}'");
        }

        string? type = (string?)root.Attribute("type");
        string? name = root.Element("name")?.Value;
        if (string.IsNullOrEmpty(name))
        {
            throw new LibvirtErrorException(ErrorCode.NoName, ErrorDomain.Domain, "missing name information");
        }

        if (type is null)
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Domain, "internal error: missing domain type attribute");
        }

        if (!VirtTypes.Contains(type))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, $"unsupported configuration: invalid domain type {type}");
        }

        XElement os = root.Element("os") ?? throw XmlError("an os <type> must be specified");
        if (os.Element("type") is null)
        {
            throw XmlError("an os <type> must be specified");
        }

        var definition = new DomainDefinition
        {
            Type = type,
            Name = name,
            Uuid = ParseUuid(root.Element("uuid")?.Value),
            Os = NormalizeOs(os, PerDeviceBootOrder(root.Element("devices"), os), !string.IsNullOrEmpty(root.Element("bootloader")?.Value)),
        };
        DomainSysinfo.Apply(root, definition, uuidGiven: root.Element("uuid") is not null);
        definition.MemoryKiB = root.Element("memory") is { } memory ? ParseKiB(memory) : 0;
        if (root.Element("vcpu") is { } vcpu)
        {
            (definition.MaxVcpus, definition.Vcpus) = ParseVcpuCounts(vcpu);
            definition.VcpuPlacementAuto = (string?)vcpu.Attribute("placement") == "auto";

            // With automatic placement libvirt ignores a cpuset.
            definition.Tuning.VcpuCpuset = (string?)vcpu.Attribute("cpuset") is { } cpuset && !definition.VcpuPlacementAuto ? DomainIoThreads.ParseCpuset(cpuset) : null;
        }

        if (DomainVcpuStates.Parse(root.Element("vcpus"), definition.MaxVcpus) is { } states)
        {
            definition.VcpuStates = states;
            definition._vcpus = states.Count(s => s.Online);
        }

        if (root.Element("clock") is { } clock)
        {
            definition.Clock = DomainClock.Normalise(clock);
        }

        definition.OnPoweroff = root.Element("on_poweroff")?.Value.Trim() ?? definition.OnPoweroff;
        definition.OnReboot = root.Element("on_reboot")?.Value.Trim() ?? definition.OnReboot;
        definition.OnCrash = root.Element("on_crash")?.Value.Trim() ?? definition.OnCrash;
        List<XElement> devices = root.Element("devices")?.Elements().Select(e => new XElement(e)).ToList() ?? [];
        DomainChrSourceChecks.Check(devices);
        DomainControllerChecks.CheckAtParse(devices);
        DomainDiskChecks.CheckAtParse(devices);
        DomainHostdevChecks.CheckAtParse(devices);
        DomainDeviceBoot.Apply(devices);
        DomainDeviceElementChecks.Check(devices);
        DomainAddressFormat.CheckZpci(devices);
        DomainUsbChecks.CheckAtParse(devices, hvm: definition.OsType == "hvm");
        DomainVideoChecks.Check(devices);
        DomainDisplayPostParse.Apply(devices, definition.OsType);
        definition.Devices = DomainDevicePostParse.Apply(devices, hvm: definition.OsType == "hvm");
        DomainAddressFormat.Apply(definition.Devices);
        DomainHostdevChecks.CheckAddresses(definition.Devices);
        DomainDeviceDefaults.Apply(definition.Devices);
                // Top-level elements in a namespace (qemu:commandline and the like) belong to a hypervisor driver's own XML
        // extension; the test driver registers none, so libvirt drops them.
        definition._other = root.Elements().Where(e => !Modelled.Contains(e.Name.LocalName) && e.Name.Namespace == XNamespace.None).Select(e => new XElement(e)).ToList();
        NormalizeCpu(definition._other);
        NormalizeGenid(definition._other);
        DomainSeclabels.Apply(definition._other);
        ApplyMemoryTotal(definition, root.Element("currentMemory"));

        // libvirt keeps a bootloader's arguments only with a bootloader, and neither when empty.
        bool bootloader = !string.IsNullOrEmpty(definition._other.Find(e => e.Name.LocalName == "bootloader")?.Value);
        definition._other.RemoveAll(e => e.Name.LocalName is "bootloader" or "bootloader_args" && (!bootloader || e.Value.Length == 0));
        if (definition._other.FindIndex(e => e.Name.LocalName == "memtune") is int memtune and >= 0)
        {
            XElement? normalised = DomainMemtune.Normalise(definition._other[memtune]);
            definition._other.RemoveAt(memtune);
            if (normalised is not null)
            {
                definition._other.Insert(memtune, normalised);
            }
        }

        DomainChildOrder.SortFeaturesAndCpu(definition._other);
        int cells = definition._other.Find(e => e.Name.LocalName == "cpu")?.Element("numa")?.Elements("cell").Count() ?? 0;
        if (definition._other.Find(e => e.Name.LocalName == "numatune") is XElement numatune)
        {
            DomainNumatunePostParse.Check(numatune, cells, definition.VcpuPlacementAuto);
            DomainNumatunePostParse.Apply(numatune);
        }

        DomainHugepages.Apply(definition._other.Find(e => e.Name.LocalName == "memoryBacking"), cells);
        ApplyAutomaticPlacement(definition);

        DomainIoThreads.Load(definition);
        DomainCpuPins.Load(definition);
        DomainThreadSched.Check(definition);
        DomainDefaultsPostParse.Apply(definition.FindElement("features"), definition.Devices);
        CheckDuplicateDiskTargets(definition.Devices);
        CheckDiskAddressBus(definition.Devices);
        DomainControllerChecks.Check(definition.Devices);
        DomainDiskChecks.Check(definition.Devices);
        DomainDiskChecks.CheckDriveAddresses(definition.Devices);
        DomainOsValidation.Check(os);
        DomainSysinfo.CheckBootTimeouts(os);
        DomainHostdevChecks.Check(definition.Devices);
        DomainUsbChecks.CheckRedirdevs(definition.Devices);
        return definition;
    }

    /// <summary>
    /// Without a &lt;memory&gt; size libvirt takes the sum of the guest NUMA cells (already in KiB here); a balloon
    /// size of 0 or above the total becomes the total.
    /// </summary>
    private static void ApplyMemoryTotal(DomainDefinition definition, XElement? current)
    {
        if (definition.MemoryKiB == 0)
        {
            IEnumerable<XElement> cells = definition.FindElement("cpu")?.Element("numa")?.Elements("cell") ?? [];
            definition.MemoryKiB = cells.Aggregate(0UL, (sum, cell) => sum + ((ulong?)cell.Attribute("memory") ?? 0));
        }

        if (definition.MemoryKiB == 0)
        {
            throw XmlError("Memory size must be specified via <memory> or in the <numa> configuration");
        }

        ulong balloon = current is null ? 0 : ParseKiB(current);
        definition.CurrentMemoryKiB = balloon == 0 || balloon > definition.MemoryKiB ? definition.MemoryKiB : balloon;
    }

    /// <summary>
    /// The maximum and current vCPU counts of &lt;vcpu&gt;, with libvirt's refusals. A maximum of 0 passes its parser
    /// and fails the NUMA check that follows, whose message it gets.
    /// </summary>
    private static (int Max, int Current) ParseVcpuCounts(XElement vcpu)
    {
        string text = vcpu.Value.TrimStart();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int max))
        {
            throw XmlError("maximum vcpus count must be an integer");
        }

        int current = max;
        if (vcpu.Attribute("current") is { } attribute
            && !int.TryParse(attribute.Value, NumberStyles.None, CultureInfo.InvariantCulture, out current))
        {
            throw new LibvirtErrorException(ErrorCode.XmlError, ErrorDomain.Xml, $"XML error: Invalid value for attribute 'current' in element 'vcpu': '{attribute.Value}'. Expected non-negative integer value");
        }

        if (max == 0)
        {
            throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Domain, "internal error: CPU IDs in <numa> exceed the <vcpu> count");
        }

        if (current > max)
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: maximum vCPU count must not be less than current vCPU count");
        }

        // current='0' is accepted and kept: libvirt's test driver then runs the domain with no vCPU online.
        return (max, current);
    }

    /// <summary>
    /// Automatic placement spreads between &lt;vcpu&gt; and &lt;numatune&gt; as libvirt spreads it: automatic vCPU
    /// placement makes the memory placement automatic unless it has a nodeset (adding a numatune when there is none),
    /// and automatic memory placement makes the vCPU placement automatic when nothing pins the vCPUs.
    /// </summary>
    private static void ApplyAutomaticPlacement(DomainDefinition definition)
    {
        XElement? numatune = definition._other.Find(e => e.Name.LocalName == "numatune");
        XElement? memory = numatune?.Element("memory");
        if (definition.VcpuPlacementAuto)
        {
            if (numatune is null)
            {
                definition._other.Add(new XElement("numatune", new XElement("memory", new XAttribute("mode", "strict"), new XAttribute("placement", "auto"))));
            }
            else if (memory is not null && memory.Attribute("nodeset") is null && memory.Attribute("placement") is null)
            {
                memory.Add(new XAttribute("placement", "auto"));
            }
        }
        else if ((string?)memory?.Attribute("placement") == "auto" && definition.Tuning.VcpuCpuset is null
            && definition._other.Find(e => e.Name.LocalName == "cputune")?.Elements().Any(e => e.Name.LocalName is "vcpupin" or "emulatorpin" or "iothreadpin") != true)
        {
            definition.VcpuPlacementAuto = true;
        }
    }

    private static void NormalizeCpu(List<XElement> elements)
    {
        int index = elements.FindIndex(e => e.Name.LocalName == "cpu");
        if (index >= 0)
        {
            if (DomainCpuPostParse.Normalize(elements[index]) is XElement cpu)
            {
                elements[index] = cpu;
            }
            else
            {
                elements.RemoveAt(index);
            }
        }
    }

    /// <summary>Disks on a bus of drives (IDE, floppy, SCSI, SATA) take only a drive address.</summary>
    private static void CheckDiskAddressBus(IEnumerable<XElement> devices)
    {
        foreach (XElement disk in devices.Where(d => d.Name.LocalName == "disk"))
        {
            string? bus = (string?)disk.Element("target")?.Attribute("bus");
            if (bus is "ide" or "fdc" or "scsi" or "sata" && (string?)disk.Element("address")?.Attribute("type") is string type && type != "drive")
            {
                throw new LibvirtErrorException(
                    ErrorCode.ConfigUnsupported,
                    ErrorDomain.Domain,
                    $"unsupported configuration: Invalid address type '{type}' for the disk '{(string?)disk.Element("target")?.Attribute("dev")}' with the bus type '{bus}'");
            }
        }
    }

    /// <summary>libvirt's validation refuses two disks with the same target, naming both sources.</summary>
    private static void CheckDuplicateDiskTargets(IEnumerable<XElement> devices)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (XElement disk in devices.Where(d => d.Name.LocalName == "disk"))
        {
            if ((string?)disk.Element("target")?.Attribute("dev") is not string target)
            {
                continue;
            }

            if (seen.TryGetValue(target, out XElement? first))
            {
                throw XmlError($"target '{target}' duplicated for disk sources '{SourceOf(first)}' and '{SourceOf(disk)}'");
            }

            seen.Add(target, disk);
        }

        static string SourceOf(XElement disk)
        {
            XElement? source = disk.Element("source");
            return (string?)source?.Attribute("file") ?? (string?)source?.Attribute("dev") ?? (string?)source?.Attribute("dir")
                ?? (string?)source?.Attribute("name") ?? (string?)source?.Attribute("volume") ?? "<null>";
        }
    }

    /// <summary>A deep copy, so a running domain's live changes leave the stored configuration alone.</summary>
    public DomainDefinition Clone() => new()
    {
        Type = Type,
        Name = Name,
        Uuid = Uuid,
        MemoryKiB = MemoryKiB,
        CurrentMemoryKiB = CurrentMemoryKiB,
        MaxVcpus = MaxVcpus,
        Vcpus = Vcpus,
        VcpuPlacementAuto = VcpuPlacementAuto,
        Os = new XElement(Os),
        Clock = new XElement(Clock),
        OnPoweroff = OnPoweroff,
        OnReboot = OnReboot,
        OnCrash = OnCrash,
        Devices = Devices.Select(e => new XElement(e)).ToList(),
        _other = _other.Select(e => new XElement(e)).ToList(),
        Tuning = Tuning.Clone(),
        VcpuStates = VcpuStates is null ? null : [.. VcpuStates],
    };

    /// <summary>Fills what the test hypervisor adds on define: interface MAC addresses and testnetN names.</summary>
    public void ApplyDefaults()
    {
        int next = 0;
        Span<byte> random = stackalloc byte[3];
        var used = new HashSet<string>(Devices.Where(d => d.Name.LocalName == "interface")
            .Select(d => (string?)d.Element("target")?.Attribute("dev")).OfType<string>(), StringComparer.Ordinal);
        foreach (XElement nic in Devices.Where(d => d.Name.LocalName == "interface"))
        {
            if (nic.Element("mac") is null)
            {
                RandomNumberGenerator.Fill(random);
                nic.AddFirst(new XElement("mac", new XAttribute("address", string.Create(CultureInfo.InvariantCulture, $"52:54:00:{random[0]:x2}:{random[1]:x2}:{random[2]:x2}"))));
            }

            if (nic.Element("target") is null)
            {
                while (used.Contains($"testnet{next}"))
                {
                    next++;
                }

                string dev = $"testnet{next}";
                used.Add(dev);
                var target = new XElement("target", new XAttribute("dev", dev));
                XElement? after = nic.Elements().LastOrDefault(e => e.Name.LocalName is "mac" or "source" or "vlan" or "virtualport" or "bandwidth" or "port" or "ip" or "route" or "portForward" or "script" or "downscript" or "backenddomain");
                if (after is null)
                {
                    nic.AddFirst(target);
                }
                else
                {
                    after.AddAfterSelf(target);
                }
            }
        }
    }

    /// <summary>
    /// The XML as libvirt formats it; <paramref name="id"/> is written when the domain runs. Without
    /// <paramref name="secure"/> (VIR_DOMAIN_XML_SECURE and its snapshot and checkpoint twins) display passwords and
    /// network disk cookies are left out, as libvirt leaves them out.
    /// </summary>
    public string Format(int id, bool secure)
    {
        var output = new StringBuilder(1024);
        output.Append("<domain type='").Append(Type).Append('\'');
        if (id >= 0)
        {
            output.Append(" id='").Append(id.ToString(CultureInfo.InvariantCulture)).Append('\'');
        }

        output.Append(">\n");
        var elements = new List<XElement>
        {
            new("name", Name),
            new("uuid", FormatUuid(Uuid)),
            new("memory", new XAttribute("unit", "KiB"), MemoryKiB.ToString(CultureInfo.InvariantCulture)),
            new("currentMemory", new XAttribute("unit", "KiB"), CurrentMemoryKiB.ToString(CultureInfo.InvariantCulture)),
            new(
                "vcpu",
                new XAttribute("placement", VcpuPlacementAuto ? "auto" : "static"),
                Tuning.VcpuCpuset is { } cpuset ? new XAttribute("cpuset", DomainIoThreads.FormatCpuset(cpuset)) : null,
                Vcpus == MaxVcpus ? null : new XAttribute("current", Vcpus.ToString(CultureInfo.InvariantCulture)),
                MaxVcpus.ToString(CultureInfo.InvariantCulture)),
            Os,
            Clock,
            new("on_poweroff", OnPoweroff),
            new("on_reboot", OnReboot),
            new("on_crash", OnCrash),
        };
        if (VcpuStates is not null)
        {
            elements.Add(DomainVcpuStates.Format(VcpuStates));
        }

        var devices = new XElement("devices");
        elements.Add(devices);
        elements.AddRange(_other);
        foreach (XElement element in elements.OrderBy(e => Rank(e.Name.LocalName)))
        {
            if (ReferenceEquals(element, devices))
            {
                AppendDevices(output, secure);
            }
            else if (element.Name.LocalName == "metadata")
            {
                MetadataXml.WriteMetadata(output, element);
            }
            else
            {
                LibvirtXmlWriter.WriteElement(output, element, 1);
            }
        }

        output.Append("</domain>\n");
        return output.ToString();
    }

    public static string FormatUuid(ReadOnlySpan<byte> uuid)
    {
        string hex = Convert.ToHexStringLower(uuid);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    public static bool TryParseUuid(string text, out byte[] uuid)
    {
        string hex = text.Trim().Replace("-", string.Empty, StringComparison.Ordinal);
        uuid = [];
        if (hex.Length != 32 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        uuid = Convert.FromHexString(hex);
        return true;
    }

    // libvirt writes the devices element open and closed even when it holds nothing.
    private void AppendDevices(StringBuilder output, bool secure)
    {
        output.Append("  <devices>\n");
        foreach (XElement device in Devices)
        {
            LibvirtXmlWriter.WriteElement(output, secure ? device : DomainSecrets.Without(device), 2);
        }

        output.Append("  </devices>\n");
    }

    private static int Rank(string name)
    {
        int index = Array.IndexOf(ElementOrder, name);
        return index < 0 ? ElementOrder.Length : index;
    }

    // Devices with <boot order> replace <os><boot>: libvirt then adds no default boot device, and refuses both at once.
    private static bool PerDeviceBootOrder(XElement? devices, XElement os)
    {
        bool perDevice = devices?.Descendants("boot").Any(b => b.Attribute("order") is not null) == true;
        if (perDevice && os.Element("boot") is not null && os.Element("type")?.Value.Trim() == "hvm")
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Domain, "unsupported configuration: per-device boot elements cannot be used together with os/boot elements");
        }

        return perDevice;
    }

    // A guest that names a bootloader is booted by it: libvirt then writes no boot devices, boot menu or BIOS settings.
    private static XElement NormalizeOs(XElement os, bool perDeviceBoot, bool bootloader)
    {
        var copy = new XElement(os);
        if (bootloader)
        {
            copy.Elements().Where(e => e.Name.LocalName is "boot" or "bootmenu" or "bios").Remove();
        }

        XElement type = copy.Element("type")!;
        if (type.Attribute("arch") is null)
        {
            type.ReplaceAttributes(new object[] { new XAttribute("arch", "i686") }.Concat(type.Attributes().ToArray()).ToArray());
        }

        if (copy.Element("boot") is null && !perDeviceBoot && !bootloader)
        {
            XElement? after = copy.Elements().LastOrDefault(e => e.Name.LocalName is "type" or "firmware" or "loader" or "nvram" or "kernel" or "initrd" or "cmdline" or "dtb" or "acpi");
            var boot = new XElement("boot", new XAttribute("dev", "hd"));
            if (after is null)
            {
                copy.AddFirst(boot);
            }
            else
            {
                after.AddAfterSelf(boot);
            }
        }

        DomainChildOrder.SortOs(copy);
        return copy;
    }

    // A <genid> asks for a VM generation ID: an empty one gets a fresh one, as libvirt generates it.
    private static void NormalizeGenid(List<XElement> elements)
    {
        int index = elements.FindIndex(e => e.Name.LocalName == "genid");
        if (index < 0)
        {
            return;
        }

        if (elements.FindLastIndex(e => e.Name.LocalName == "genid") != index)
        {
            throw XmlError("element 'genid' can only appear once");
        }

        string text = elements[index].Value;
        byte[] genid = text.Length == 0 ? ParseUuid(null)
            : TryParseUuid(text, out byte[] parsed) ? parsed
            : throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Domain, "internal error: malformed genid element");
        elements[index] = new XElement("genid", FormatUuid(genid));
    }

    private static byte[] ParseUuid(string? text)
    {
        if (text is null)
        {
            byte[] uuid = new byte[16];
            RandomNumberGenerator.Fill(uuid);
            uuid[6] = (byte)((uuid[6] & 0x0F) | 0x40);
            uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
            return uuid;
        }

        return TryParseUuid(text, out byte[] parsed)
            ? parsed
            : throw new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Domain, $"internal error: malformed uuid element");
    }

    internal static ulong ParseKiB(XElement element)
    {
        if (!ulong.TryParse(element.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw XmlError($"could not parse {element.Name.LocalName} value '{element.Value}'");
        }

        return SizeUnits.ToKiB(value, ((string?)element.Attribute("unit"))?.Trim());
    }

    private static LibvirtErrorException XmlError(string detail) => new(ErrorCode.XmlError, ErrorDomain.Domain, "XML error: " + detail);
}
