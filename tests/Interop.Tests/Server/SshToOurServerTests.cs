using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// The SSH transport needs nothing of ours: virsh asks a private sshd to run netcat against our Unix socket, and
/// talks through that.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshToOurServerTests
{
    [Fact]
    public async Task VirshOverSshReachesOurUnixSocketThroughNetcat()
    {
        await using OurServer server = await OurServer.StartAsync();
        await using PrivateSshd sshd = await PrivateSshd.StartAsync();
        string uri = $"test+ssh://{PrivateSshd.User}@127.0.0.1:{sshd.Port}/default?socket={server.Socket}&keyfile={sshd.ClientKey}" +
            $"&known_hosts={sshd.KnownHosts}&no_tty=1&command={sshd.SshWrapper}";
        ExternalProcess.Result hostname = (await ExternalProcess.VirshAsync(uri, "hostname").Within()).EnsureSuccess("virsh over ssh");
        Assert.Equal(Environment.MachineName, hostname.Stdout.Trim());

        const string Script = """
            import sys, libvirt
            c = libvirt.open(sys.argv[1])
            print(c.getHostname())
            c.close()
            """;
        ExternalProcess.Result python = (await ExternalProcess.PythonAsync(Script, uri).Within()).EnsureSuccess("python over ssh");
        Assert.Equal(Environment.MachineName, python.Stdout.Trim());

        // The far side's netcat was an ordinary Unix client of ours: when it is gone, so is the connection.
        for (int i = 0; i < 100 && server.Server.ClientCount > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, server.Server.ClientCount);
    }
}
