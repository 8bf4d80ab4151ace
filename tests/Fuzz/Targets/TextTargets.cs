using System.Text;
using LibvirtRemote.Client;
using LibvirtRemote.Transport.Config;

namespace LibvirtRemote.Fuzz.Targets;

/// <summary>The URI parser: any text is parsed or refused with a <see cref="FormatException"/>.</summary>
public sealed class UriTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "uri";

    /// <inheritdoc/>
    public bool MeasuresAllocation => true;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus) =>
    [
        .. new[]
        {
            "test:///default", "qemu:///system", "qemu:///session", "qemu+unix:///system?socket=/run/x.sock",
            "qemu+tcp://host:16509/system", "qemu+tls://user@host.example:16514/system?pkipath=/tmp/pki&no_verify=1",
            "qemu+ssh://root@[::1]:2222/system?keyfile=/k&no_tty=1&known_hosts=/kh", "lxc:///", "test+tcp://127.0.0.1/default",
            "qemu+ext:///system?command=/bin/nc%20-U%20x", "xen://h/?name=qemu%3A%2F%2F%2Fsystem", "vbox:///session",
            "qemu+libssh2://u@h/system?sshauth=password,agent", "esx://h/?no_verify=1&transport=https", "remote:///", "",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    /// <inheritdoc/>
    public bool IsExpected(Exception exception) => exception is FormatException;

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        LibvirtUri uri = LibvirtUri.Parse(Encoding.UTF8.GetString(input));
        _ = uri.EffectiveTransport;
        _ = uri["name"];
    }
}

/// <summary>The libvirt configuration file parser and its typed getters.</summary>
public sealed class ConfTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "conf";

    /// <inheritdoc/>
    public bool MeasuresAllocation => true;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus) =>
    [
        .. new[]
        {
            "listen_tls = 0\nlisten_tcp = 1\nauth_tcp = \"sasl\"\n",
            "# comment\nunix_sock_group = \"libvirt\"\nunix_sock_rw_perms = \"0770\"\n",
            "tls_allowed_dn_list = [\"C=GB,O=x,CN=*\", \"CN=host\"]\nmax_clients = 5000\n",
            "uri_aliases = [\n  \"hail=qemu+ssh://root@hail.cloud.example.com/system\",\n  \"sleet=qemu+ssh://root@sleet.cloud.example.com/system\",\n]\n",
            "a = 1; b = 'single'\nc = [ ]\nd = -42\ne = 0x10\n",
            "key=\"unterminated\n", "x = [1, 2, \"three\",]\n", "keepalive_interval = -1\nkeepalive_count = 5\n",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    /// <inheritdoc/>
    public bool IsExpected(Exception exception) => exception is FormatException;

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        var conf = LibvirtConfFile.Parse(Encoding.UTF8.GetString(input), "fuzz.conf", allowCommentsInLists: input.Length % 2 == 0);
        foreach (ConfEntry entry in conf.Entries)
        {
            // The getters refuse a wrong type with ConfFileException; either answer is fine, a crash is not.
            Try(() => conf.TryGetString(entry.Key, out _));
            Try(() => conf.TryGetStringList(entry.Key, out _, acceptSingleString: true));
            Try(() => conf.TryGetBool(entry.Key, out _));
            Try(() => conf.TryGetUInt32(entry.Key, out _));
            Try(() => conf.TryGetInt32(entry.Key, out _));
        }
    }

    private static void Try(Func<bool> get)
    {
        try
        {
            get();
        }
        catch (ConfFileException)
        {
        }
    }
}
