using LibvirtRemote.Client;
using LibvirtRemote.Client.Ssh;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// Argument vectors compared with what libvirt 9.0.0 (python3-libvirt, as root) handed to the ssh binary for the
/// same URIs (recorded by pointing <c>command=</c> at a script that saves its arguments).
/// </summary>
public class SshCommandBuilderTests
{
    private const string NetcatProbe = "if 'nc' -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'nc' $ARG -U ";

    public static TheoryData<string, string[]> Recorded => new()
    {
        {
            "qemu+ssh://root@host.example:2222/system?keyfile=/k&no_tty=1&no_verify=1",
            ["ssh", "-p", "2222", "-l", "root", "-i", "/k", "-T", "-e", "none", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "--", "host.example",
             "sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     virt-ssh-helper 'qemu:///system'; else    " + NetcatProbe + "/var/run/libvirt/libvirt-sock; fi'"]
        },
        {
            "qemu+ssh://h/system?netcat=/bin/my%20nc",
            ["ssh", "-T", "-e", "none", "--", "h",
             "sh -c 'if '''\\''/bin/my nc'\\'''' -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'''\\''/bin/my nc'\\'''' $ARG -U /var/run/libvirt/libvirt-sock'"]
        },
        {
            "qemu+ssh://h/system?proxy=native&foo=bar",
            ["ssh", "-T", "-e", "none", "--", "h", "sh -c 'virt-ssh-helper '''\\''qemu:///system?foo=bar'\\'''''"]
        },
        {
            "test+ssh://u@h/default?socket=/s%20x&known_hosts=/kh&sshauth=agent",
            ["ssh", "-l", "u", "-T", "-e", "none", "--", "h", "sh -c '" + NetcatProbe + "/s x'"]
        },
        {
            "qemu+ssh://[::1]/system?proxy=netcat&mode=legacy",
            ["ssh", "-T", "-e", "none", "--", "::1", "sh -c '" + NetcatProbe + "/var/run/libvirt/libvirt-sock'"]
        },
        {
            "qemu+ssh://h/system?command=/opt/my-ssh&NO_TTY=1",
            ["/opt/my-ssh", "-T", "-e", "none", "-o", "BatchMode=yes", "--", "h",
             "sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     virt-ssh-helper 'qemu:///system'; else    " + NetcatProbe + "/var/run/libvirt/libvirt-sock; fi'"]
        },
    };

    [Theory]
    [MemberData(nameof(Recorded))]
    public void BuildsTheSameArgumentsAsLibvirt(string uri, string[] expected)
        => Assert.Equal(expected, SshCommandBuilder.BuildSsh(LibvirtUri.Parse(uri), readOnly: false, privileged: true));

    [Fact]
    public void ReadOnlyUsesTheReadOnlySocketAndTheHelpersFlag()
    {
        IReadOnlyList<string> argv = SshCommandBuilder.BuildSsh(LibvirtUri.Parse("qemu+ssh://h/system"), readOnly: true, privileged: true);
        Assert.Equal(
            "sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     virt-ssh-helper -r 'qemu:///system'; else    " + NetcatProbe + "/var/run/libvirt/libvirt-sock-ro; fi'",
            argv[^1]);
    }

    [Fact]
    public void SessionUrisOfOrdinaryUsersUseTheHelperAndTheUserSocket()
    {
        IReadOnlyList<string> argv = SshCommandBuilder.BuildSsh(LibvirtUri.Parse("qemu+ssh://h/session"), readOnly: false, privileged: false, userRuntimeDirectory: "/run/user/1000/libvirt");
        Assert.Equal("sh -c 'virt-ssh-helper 'qemu:///session''", argv[^1]);
        argv = SshCommandBuilder.BuildSsh(LibvirtUri.Parse("qemu+ssh://h/session?proxy=netcat"), readOnly: false, privileged: false, userRuntimeDirectory: "/run/user/1000/libvirt");
        Assert.Equal("sh -c '" + NetcatProbe + "/run/user/1000/libvirt/libvirt-sock'", argv[^1]);
    }

    [Theory]
    [InlineData("qemu+ssh://h/system?mode=direct", "Cannot use direct socket mode for ssh transport")]
    [InlineData("qemu+ssh://h/system?proxy=bogus", "Unknown proxy type 'bogus'")]
    [InlineData("qemu+ssh://h/system?no_tty=x", "Failed to parse value of URI component no_tty")]
    [InlineData("qemu+ssh://h/system?proxy=native&netcat=nc", "A netcat path is not valid with the native proxy")]
    public void RefusesWhatLibvirtRefuses(string uri, string message)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => SshCommandBuilder.BuildSsh(LibvirtUri.Parse(uri), readOnly: false, privileged: true));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalCommandIsOneProgramWithoutArguments()
    {
        Assert.Equal(["/usr/bin/nc -U /s"], SshCommandBuilder.BuildExternal(LibvirtUri.Parse("qemu+ext:///system?command=/usr/bin/nc%20-U%20/s")));
        ArgumentException error = Assert.Throws<ArgumentException>(() => SshCommandBuilder.BuildExternal(LibvirtUri.Parse("qemu+ext:///system")));
        Assert.StartsWith("For the 'ext' transport, the URI needs a 'command' parameter", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain/path-1.0", "plain/path-1.0")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    public void QuotesForTheShellOnlyWhenNeeded(string word, string quoted)
        => Assert.Equal(quoted, SshCommandBuilder.QuoteForShell(word));

    [Fact]
    public void ChildEnvironmentIsLibvirtsShortList()
    {
        IReadOnlyDictionary<string, string> environment = SshCommandBuilder.ChildEnvironment(ssh: true);
        Assert.Equal("C", environment["LC_ALL"]);
        Assert.All(environment.Keys, key => Assert.Contains(key, new[]
        {
            "LC_ALL", "LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "DYLD_FORCE_FLAT_NAMESPACE", "PATH", "HOME", "USER", "LOGNAME", "TMPDIR",
            "XDG_RUNTIME_DIR", "KRB5CCNAME", "SSH_AUTH_SOCK", "SSH_ASKPASS", "GPG_TTY", "TERM", "OPENSSL_CONF", "DISPLAY", "XAUTHORITY",
        }));
        Assert.DoesNotContain("SSH_AUTH_SOCK", SshCommandBuilder.ChildEnvironment(ssh: false).Keys);
    }
}
