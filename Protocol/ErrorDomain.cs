namespace LibvirtRemote.Protocol;

/// <summary>libvirt's error domains (<c>virErrorDomain</c>): which subsystem raised an error, as carried in an error reply's <c>domain</c>.</summary>
/// <remarks>Values as of libvirt 11.3.0. A newer server may send a number not listed here; the value is kept as is.</remarks>
public enum ErrorDomain
{
    /// <summary><c>VIR_FROM_NONE</c></summary>
    None = 0,

    /// <summary><c>VIR_FROM_XEN</c></summary>
    Xen = 1,

    /// <summary><c>VIR_FROM_XEND</c></summary>
    Xend = 2,

    /// <summary><c>VIR_FROM_XENSTORE</c></summary>
    Xenstore = 3,

    /// <summary><c>VIR_FROM_SEXPR</c></summary>
    Sexpr = 4,

    /// <summary><c>VIR_FROM_XML</c></summary>
    Xml = 5,

    /// <summary><c>VIR_FROM_DOM</c></summary>
    Dom = 6,

    /// <summary><c>VIR_FROM_RPC</c></summary>
    Rpc = 7,

    /// <summary><c>VIR_FROM_PROXY</c></summary>
    Proxy = 8,

    /// <summary><c>VIR_FROM_CONF</c></summary>
    Conf = 9,

    /// <summary><c>VIR_FROM_QEMU</c></summary>
    Qemu = 10,

    /// <summary><c>VIR_FROM_NET</c></summary>
    Net = 11,

    /// <summary><c>VIR_FROM_TEST</c></summary>
    Test = 12,

    /// <summary><c>VIR_FROM_REMOTE</c></summary>
    Remote = 13,

    /// <summary><c>VIR_FROM_OPENVZ</c></summary>
    Openvz = 14,

    /// <summary><c>VIR_FROM_XENXM</c></summary>
    Xenxm = 15,

    /// <summary><c>VIR_FROM_STATS_LINUX</c></summary>
    StatsLinux = 16,

    /// <summary><c>VIR_FROM_LXC</c></summary>
    Lxc = 17,

    /// <summary><c>VIR_FROM_STORAGE</c></summary>
    Storage = 18,

    /// <summary><c>VIR_FROM_NETWORK</c></summary>
    Network = 19,

    /// <summary><c>VIR_FROM_DOMAIN</c></summary>
    Domain = 20,

    /// <summary><c>VIR_FROM_UML</c></summary>
    Uml = 21,

    /// <summary><c>VIR_FROM_NODEDEV</c></summary>
    Nodedev = 22,

    /// <summary><c>VIR_FROM_XEN_INOTIFY</c></summary>
    XenInotify = 23,

    /// <summary><c>VIR_FROM_SECURITY</c></summary>
    Security = 24,

    /// <summary><c>VIR_FROM_VBOX</c></summary>
    Vbox = 25,

    /// <summary><c>VIR_FROM_INTERFACE</c></summary>
    Interface = 26,

    /// <summary><c>VIR_FROM_ONE</c></summary>
    One = 27,

    /// <summary><c>VIR_FROM_ESX</c></summary>
    Esx = 28,

    /// <summary><c>VIR_FROM_PHYP</c></summary>
    Phyp = 29,

    /// <summary><c>VIR_FROM_SECRET</c></summary>
    Secret = 30,

    /// <summary><c>VIR_FROM_CPU</c></summary>
    Cpu = 31,

    /// <summary><c>VIR_FROM_XENAPI</c></summary>
    Xenapi = 32,

    /// <summary><c>VIR_FROM_NWFILTER</c></summary>
    Nwfilter = 33,

    /// <summary><c>VIR_FROM_HOOK</c></summary>
    Hook = 34,

    /// <summary><c>VIR_FROM_DOMAIN_SNAPSHOT</c></summary>
    DomainSnapshot = 35,

    /// <summary><c>VIR_FROM_AUDIT</c></summary>
    Audit = 36,

    /// <summary><c>VIR_FROM_SYSINFO</c></summary>
    Sysinfo = 37,

    /// <summary><c>VIR_FROM_STREAMS</c></summary>
    Streams = 38,

    /// <summary><c>VIR_FROM_VMWARE</c></summary>
    Vmware = 39,

    /// <summary><c>VIR_FROM_EVENT</c></summary>
    Event = 40,

    /// <summary><c>VIR_FROM_LIBXL</c></summary>
    Libxl = 41,

    /// <summary><c>VIR_FROM_LOCKING</c></summary>
    Locking = 42,

    /// <summary><c>VIR_FROM_HYPERV</c></summary>
    Hyperv = 43,

    /// <summary><c>VIR_FROM_CAPABILITIES</c></summary>
    Capabilities = 44,

    /// <summary><c>VIR_FROM_URI</c></summary>
    Uri = 45,

    /// <summary><c>VIR_FROM_AUTH</c></summary>
    Auth = 46,

    /// <summary><c>VIR_FROM_DBUS</c></summary>
    Dbus = 47,

    /// <summary><c>VIR_FROM_PARALLELS</c></summary>
    Parallels = 48,

    /// <summary><c>VIR_FROM_DEVICE</c></summary>
    Device = 49,

    /// <summary><c>VIR_FROM_SSH</c></summary>
    Ssh = 50,

    /// <summary><c>VIR_FROM_LOCKSPACE</c></summary>
    Lockspace = 51,

    /// <summary><c>VIR_FROM_INITCTL</c></summary>
    Initctl = 52,

    /// <summary><c>VIR_FROM_IDENTITY</c></summary>
    Identity = 53,

    /// <summary><c>VIR_FROM_CGROUP</c></summary>
    Cgroup = 54,

    /// <summary><c>VIR_FROM_ACCESS</c></summary>
    Access = 55,

    /// <summary><c>VIR_FROM_SYSTEMD</c></summary>
    Systemd = 56,

    /// <summary><c>VIR_FROM_BHYVE</c></summary>
    Bhyve = 57,

    /// <summary><c>VIR_FROM_CRYPTO</c></summary>
    Crypto = 58,

    /// <summary><c>VIR_FROM_FIREWALL</c></summary>
    Firewall = 59,

    /// <summary><c>VIR_FROM_POLKIT</c></summary>
    Polkit = 60,

    /// <summary><c>VIR_FROM_THREAD</c></summary>
    Thread = 61,

    /// <summary><c>VIR_FROM_ADMIN</c></summary>
    Admin = 62,

    /// <summary><c>VIR_FROM_LOGGING</c></summary>
    Logging = 63,

    /// <summary><c>VIR_FROM_XENXL</c></summary>
    Xenxl = 64,

    /// <summary><c>VIR_FROM_PERF</c></summary>
    Perf = 65,

    /// <summary><c>VIR_FROM_LIBSSH</c></summary>
    Libssh = 66,

    /// <summary><c>VIR_FROM_RESCTRL</c></summary>
    Resctrl = 67,

    /// <summary><c>VIR_FROM_FIREWALLD</c></summary>
    Firewalld = 68,

    /// <summary><c>VIR_FROM_DOMAIN_CHECKPOINT</c></summary>
    DomainCheckpoint = 69,

    /// <summary><c>VIR_FROM_TPM</c></summary>
    Tpm = 70,

    /// <summary><c>VIR_FROM_BPF</c></summary>
    Bpf = 71,

    /// <summary><c>VIR_FROM_CH</c></summary>
    Ch = 72,
}
