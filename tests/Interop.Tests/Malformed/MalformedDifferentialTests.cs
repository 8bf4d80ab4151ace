using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Transport.Sockets;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Malformed;

/// <summary>
/// Each malformed input of <see cref="MalformedCorpus"/> goes to a private libvirtd 9.0.0 and to our server after
/// the same setup; both must answer in the same way (same error code, domain and message, or both close, or both
/// stay silent, and the same answer to a probe call afterwards). Meanwhile a second client, connected before the
/// bad bytes were sent, must keep being served. Every case gets a fresh daemon, so no case sees another's damage
/// (and libvirtd 9.0.0's stream use-after-free cannot spill over).
/// </summary>
public sealed class MalformedDifferentialTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (MalformedCase c in MalformedCorpus.All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Fact]
    public void CorpusHasAtLeastFortyDistinctCases()
    {
        Assert.True(MalformedCorpus.All.Count >= 40);
        Assert.Equal(MalformedCorpus.All.Count, MalformedCorpus.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurServerAnswersLikeLibvirtd(string name)
    {
        MalformedCase c = MalformedCorpus.All.Single(x => x.Name == name);

        string theirs;
        await using (PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync(authUnixRw: c.Setup == Setup.Sasl ? "sasl" : "none"))
        {
            theirs = await RunAsync(c, c.Setup == Setup.ReadOnlyOpen ? daemon.ReadOnlySocketPath : daemon.SocketPath, daemon.ReadOnlySocketPath, checkAfterClose: false);
        }

        string ours;
        await using (OurServer server = await OurServer.StartAsync())
        {
            string socket = c.Setup switch
            {
                Setup.ReadOnlyOpen => server.ReadOnlySocket,
                Setup.Sasl => SaslSocket(server),
                _ => server.Socket,
            };
            // Our server must also survive the bad client leaving, whatever it was doing.
            ours = await RunAsync(c, socket, server.ReadOnlySocket, checkAfterClose: true);
        }

        Assert.True(theirs == ours, $"{c.Name} ({c.Why}):\n  libvirtd: {theirs}\n  ours:     {ours}");
    }

    private static string SaslSocket(OurServer server)
    {
        string path = Path.Combine(Path.GetDirectoryName(server.Socket)!, "sasl-sock");
        server.Server.ListenUnix(path, new ListenerOptions { Auth = ServerAuth.Sasl }, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>Runs the case on <paramref name="socket"/> while a witness client on <paramref name="witnessSocket"/> must stay served (and after the bad client left, when <paramref name="checkAfterClose"/>).</summary>
    private static async Task<string> RunAsync(MalformedCase c, string socket, string witnessSocket, bool checkAfterClose)
    {
        await using StreamDuplexPipe witnessPipe = await StreamDuplexPipe.ConnectUnixAsync(witnessSocket).WaitAsync(TimeSpan.FromSeconds(20));
        var witness = new RawSession(witnessPipe);
        await witness.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).WaitAsync(TimeSpan.FromSeconds(30));

        string outcome;
        await using (WireObserver observer = await WireObserver.ConnectAsync(socket))
        {
            await observer.SetUpAsync(c.Setup).WaitAsync(TimeSpan.FromSeconds(30));
            outcome = await observer.SendAsync(c.Bytes, c.Probe).WaitAsync(TimeSpan.FromSeconds(60));

            // Checked while the bad connection is still open: closing it in the middle of a stream is what
            // crashes libvirtd 9.0.0 (FACTS.md), which is not what this test is about.
            ConnectGetHostnameRet host = await witness.CallAsync<ConnectGetHostnameRet>(Procedure.ConnectGetHostname).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(string.IsNullOrEmpty(host.Hostname));
        }

        if (checkAfterClose)
        {
            ConnectGetHostnameRet host = await witness.CallAsync<ConnectGetHostnameRet>(Procedure.ConnectGetHostname).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(string.IsNullOrEmpty(host.Hostname));
        }

        return outcome;
    }
}
