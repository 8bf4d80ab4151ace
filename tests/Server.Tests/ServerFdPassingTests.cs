using LibvirtRemote.Client;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Tests.Support;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>CALL_WITH_FDS and REPLY_WITH_FDS between our client and our server over a real Unix socket.</summary>
public sealed class ServerFdPassingTests
{
    [Fact]
    public async Task DescriptorsTravelBothWays()
    {
        string dir = Directory.CreateTempSubdirectory("lr-fds-").FullName;
        string sent = Path.Combine(dir, "sent");
        string returned = Path.Combine(dir, "returned");
        await File.WriteAllTextAsync(sent, "from the client");
        await File.WriteAllTextAsync(returned, "from the server");
        var handlers = new FdHandlers(returned);
        await using var server = new LibvirtServer(new DelegateBackend(_ => handlers));
        string socket = Path.Combine(dir, "sock");
        server.ListenUnix(socket, new ListenerOptions());
        try
        {
            await using LibvirtConnection client = await LibvirtConnection.OpenAsync($"test+unix:///default?socket={socket}").WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(client.Rpc.CanPassFds);
            var domain = new NonnullDomain { Name = "d", Uuid = new byte[16], Id = -1 };

            using SafeFileHandle a = File.OpenHandle(sent);
            using SafeFileHandle b = File.OpenHandle(sent);
            (DomainCreateWithFilesRet created, SafeFileHandle[] none) = await client.Rpc.CallWithFdsAsync<DomainCreateWithFilesArgs, DomainCreateWithFilesRet>(
                (uint)RemoteProtocol.RemoteProgram, 1, (int)Procedure.DomainCreateWithFiles, new DomainCreateWithFilesArgs { Dom = domain }, [a, b]).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Empty(none);
            Assert.Equal("d", created.Dom.Name);
            Assert.Equal(["from the client", "from the client"], handlers.Received);

            (XdrVoid _, SafeFileHandle[] fds) = await client.Rpc.CallWithFdsAsync<DomainOpenGraphicsFdArgs, XdrVoid>(
                (uint)RemoteProtocol.RemoteProgram, 1, (int)Procedure.DomainOpenGraphicsFd, new DomainOpenGraphicsFdArgs { Dom = domain }, []).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            SafeFileHandle fd = Assert.Single(fds);
            using var reader = new StreamReader(new FileStream(fd, FileAccess.Read));
            Assert.Equal("from the server", await reader.ReadToEndAsync());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class FdHandlers(string returned) : OpenableHandlers
    {
        public List<string> Received { get; } = [];

        public override ValueTask<DomainCreateWithFilesRet> DomainCreateWithFilesAsync(ServerCall call, DomainCreateWithFilesArgs args)
        {
            foreach (SafeFileHandle fd in call.ReceivedFds)
            {
                using var stream = new FileStream(fd, FileAccess.Read);
                stream.Position = 0;
                using var reader = new StreamReader(stream);
                Received.Add(reader.ReadToEnd());
            }

            return new(new DomainCreateWithFilesRet { Dom = args.Dom });
        }

        public override ValueTask DomainOpenGraphicsFdAsync(ServerCall call, DomainOpenGraphicsFdArgs args)
        {
            call.AttachReplyFds(File.OpenHandle(returned));
            return default;
        }
    }
}
