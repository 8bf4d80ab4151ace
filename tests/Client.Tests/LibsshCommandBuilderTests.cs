using LibvirtRemote.Client;
using LibvirtRemote.Client.Ssh;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// The libssh and libssh2 transports' parameters and defaults (libvirt 9.0.0's remote driver) mapped onto the OpenSSH
/// client's options.
/// </summary>
public sealed class LibsshCommandBuilderTests : IDisposable
{
    private const string FarSide = "sh -c 'virt-ssh-helper 'qemu:///system''";
    private readonly string _home = Directory.CreateTempSubdirectory("lvr-libssh-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void DefaultsAreRootPort22LibvirtsKnownHostsFileAndStrictChecking()
    {
        IReadOnlyList<string> argv = Build("qemu+libssh2://h/system?proxy=native");
        Assert.Equal(
            ["ssh", "-p", "22", "-l", "root", "-T", "-e", "none", "-o", "UserKnownHostsFile=/cfg/libvirt/known_hosts",
             "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
             "-o", "PreferredAuthentications=publickey,password,keyboard-interactive", "--", "h", FarSide],
            argv);
    }

    [Fact]
    public void TheFirstDefaultKeyThatExistsIsUsedInLibvirtsOrder()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".ssh"));
        File.WriteAllText(Path.Combine(_home, ".ssh", "id_rsa"), "key");
        File.WriteAllText(Path.Combine(_home, ".ssh", "id_ecdsa"), "key");
        IReadOnlyList<string> argv = Build("qemu+libssh://alice@h:2200/system?proxy=native");
        Assert.Equal(["-i", Path.Combine(_home, ".ssh", "id_ecdsa")], Option(argv, "-i"));
        Assert.Equal(["-p", "2200"], Option(argv, "-p"));
        Assert.Equal(["-l", "alice"], Option(argv, "-l"));
    }

    [Theory]
    [InlineData("auto", "StrictHostKeyChecking=accept-new", "UserKnownHostsFile=/kh")]
    [InlineData("IGNORE", "StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null")]
    [InlineData("normal", "StrictHostKeyChecking=yes", "UserKnownHostsFile=/kh")]
    public void HostKeyVerificationMapsOntoStrictHostKeyChecking(string verify, string strictness, string knownHosts)
    {
        IReadOnlyList<string> argv = Build($"qemu+libssh2://h/system?proxy=native&known_hosts=/kh&known_hosts_verify={verify}");
        Assert.Contains(strictness, argv);
        Assert.Contains(knownHosts, argv);
    }

    [Fact]
    public void AuthenticationMethodsPickWhatSshMayTry()
    {
        IReadOnlyList<string> agentOnly = Build("qemu+libssh2://h/system?proxy=native&keyfile=/k&sshauth=agent");
        Assert.Contains("PreferredAuthentications=publickey", agentOnly);
        Assert.DoesNotContain("-i", agentOnly);
        Assert.DoesNotContain("IdentityAgent=none", agentOnly);

        IReadOnlyList<string> keyAndPassword = Build("qemu+libssh2://h/system?proxy=native&keyfile=/k&sshauth=password,privkey");
        Assert.Contains("PreferredAuthentications=password,publickey", keyAndPassword);
        Assert.Equal(["-i", "/k"], Option(keyAndPassword, "-i"));
        Assert.Contains("IdentityAgent=none", keyAndPassword);
    }

    [Fact]
    public void SshTransportParametersAreIgnored()
    {
        IReadOnlyList<string> argv = Build("qemu+libssh://h/system?proxy=native&command=/bin/false&no_tty=1&no_verify=1");
        Assert.Equal("ssh", argv[0]);
        Assert.DoesNotContain("BatchMode=yes", argv);
        Assert.Contains("StrictHostKeyChecking=yes", argv);
    }

    [Theory]
    [InlineData("qemu+libssh2://h/system?known_hosts_verify=sometimes", "Invalid host key verification method: 'sometimes'")]
    [InlineData("qemu+libssh://h/system?sshauth=agent,gssapi", "Invalid authentication method: 'gssapi'")]
    [InlineData("qemu+libssh2://h/system?mode=direct", "Cannot use direct socket mode for libssh2 transport")]
    [InlineData("qemu+libssh://h/system?proxy=bogus", "Unknown proxy type 'bogus'")]
    public void RefusesWhatLibvirtRefuses(string uri, string message)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Build(uri));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("libssh", "normal", "StrictHostKeyChecking=ask", "FingerprintHash=sha256")]
    [InlineData("libssh2", "normal", "StrictHostKeyChecking=ask", "FingerprintHash=md5")]
    [InlineData("libssh", "auto", "StrictHostKeyChecking=accept-new", "FingerprintHash=sha256")]
    public void WithACallbackSshAsksAboutUnknownHostsInLibvirtsDigest(string transport, string verify, string strictness, string hash)
    {
        IReadOnlyList<string> argv = SshCommandBuilder.BuildLibssh(
            LibvirtUri.Parse($"qemu+{transport}://h/system?proxy=native&known_hosts_verify={verify}"), readOnly: false, privileged: true, _home, "/cfg/libvirt", interactive: true);
        Assert.Contains(strictness, argv);
        Assert.Contains(hash, argv);
        Assert.DoesNotContain(Build($"qemu+{transport}://h/system?proxy=native"), a => a.StartsWith("FingerprintHash", StringComparison.Ordinal));
    }

    private IReadOnlyList<string> Build(string uri)
        => SshCommandBuilder.BuildLibssh(LibvirtUri.Parse(uri), readOnly: false, privileged: true, _home, "/cfg/libvirt");

    private static string[] Option(IReadOnlyList<string> argv, string name)
    {
        int at = argv.ToList().IndexOf(name);
        return at < 0 ? [] : [argv[at], argv[at + 1]];
    }
}
