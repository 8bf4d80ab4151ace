using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// <see cref="RpcConnection"/> passing descriptors to and from a scripted peer over a real Unix socket
/// (<see cref="UnixSocketPipe"/> on both ends).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by IAsyncLifetime.DisposeAsync")]
public sealed class RpcFdPassingTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly NonnullDomain Domain = new() { Name = "guest", Uuid = new byte[16], Id = 1 };
    private string _directory = null!;
    private UnixSocketPipe _server = null!;
    private FrameReader _serverReader = null!;
    private RpcConnection _client = null!;

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("lvr-rpcfds-").FullName;
        string path = Path.Combine(_directory, "sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        Task<UnixSocketPipe> connecting = UnixSocketPipe.ConnectAsync(path);
        _server = new UnixSocketPipe(await listener.AcceptAsync().WaitAsync(Timeout));
        _serverReader = new FrameReader(_server.Input);
        _client = new RpcConnection(await connecting.WaitAsync(Timeout));
        for (int i = 0; i < 8; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(_directory, $"file{i}"), i.ToString(CultureInfo.InvariantCulture));
        }
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync().AsTask().WaitAsync(Timeout);
        await _server.DisposeAsync().AsTask().WaitAsync(Timeout);
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ReplyWithFdsHandsTheDescriptorsToTheCall()
    {
        ValueTask<(XdrVoid Reply, SafeFileHandle[] Fds)> call = _client.CallWithFdsAsync<DomainOpenGraphicsFdArgs, XdrVoid>(
            (uint)RemoteProtocol.RemoteProgram, 1, (int)Procedure.DomainOpenGraphicsFd, new DomainOpenGraphicsFdArgs { Dom = Domain }, []);

        Frame request = await NextRequestAsync();
        Assert.Equal(VirNetMessageType.Call, request.Header.Type);
        Assert.Equal(0, request.FdCount);
        SafeFileHandle[] files = [OpenFile(3), OpenFile(5)];
        await ReplyAsync(request.Header, default(XdrVoid), files);
        Array.ForEach(files, f => f.Dispose());

        (_, SafeFileHandle[] fds) = await call.AsTask().WaitAsync(Timeout);
        Assert.Equal([3, 5], fds.Select(ReadNumber));
        Array.ForEach(fds, f => f.Dispose());
    }

    [Fact]
    public async Task DescriptorsGoOutWithTheCallAndComeBackWithTheReply()
    {
        SafeFileHandle[] mine = [OpenFile(0), OpenFile(1), OpenFile(2)];
        ValueTask<(QemuDomainMonitorCommandWithFilesRet Reply, SafeFileHandle[] Fds)> call =
            _client.CallWithFdsAsync<QemuDomainMonitorCommandWithFilesArgs, QemuDomainMonitorCommandWithFilesRet>(
                (uint)QemuProtocol.QemuProgram, 1, (int)QemuProcedure.DomainMonitorCommandWithFiles,
                new QemuDomainMonitorCommandWithFilesArgs { Dom = Domain, Cmd = "{\"execute\":\"getfd\"}" }, mine);

        Frame request = await NextRequestAsync();
        Assert.Equal(VirNetMessageType.CallWithFds, request.Header.Type);
        Assert.Equal(3, request.FdCount);
        Assert.Equal("{\"execute\":\"getfd\"}", request.DecodeBody<QemuDomainMonitorCommandWithFilesArgs>().Cmd);
        SafeFileHandle[] received = TakeServerFds(3);
        Array.ForEach(mine, f => f.Dispose());
        Assert.Equal([0, 1, 2], received.Select(ReadNumber));

        // Sent back in reverse order: the reply's order must be kept.
        await ReplyAsync(request.Header, new QemuDomainMonitorCommandWithFilesRet { Result = "{}" }, received.Reverse().ToArray());
        Array.ForEach(received, f => f.Dispose());
        (QemuDomainMonitorCommandWithFilesRet reply, SafeFileHandle[] back) = await call.AsTask().WaitAsync(Timeout);
        Assert.Equal("{}", reply.Result);
        Assert.Equal([2, 1, 0], back.Select(ReadNumber));
        Array.ForEach(back, f => f.Dispose());
    }

    [Fact]
    public async Task RepliesOutOfOrderEachGetTheirOwnDescriptors()
    {
        const int calls = 8;
        var pending = new Task<(XdrVoid Reply, SafeFileHandle[] Fds)>[calls];
        for (int i = 0; i < calls; i++)
        {
            pending[i] = _client.CallWithFdsAsync<DomainOpenGraphicsFdArgs, XdrVoid>(
                (uint)RemoteProtocol.RemoteProgram, 1, (int)Procedure.DomainOpenGraphicsFd, new DomainOpenGraphicsFdArgs { Dom = Domain, Idx = (uint)i }, []).AsTask();
        }

        var requests = new List<VirNetMessageHeader>();
        var indexes = new List<uint>();
        for (int i = 0; i < calls; i++)
        {
            Frame request = await NextRequestAsync();
            requests.Add(request.Header);
            indexes.Add(request.DecodeBody<DomainOpenGraphicsFdArgs>().Idx);
        }

        // Reverse order, call i gets i descriptors all opening file i; even calls get a plain reply in between.
        for (int r = calls - 1; r >= 0; r--)
        {
            int index = (int)indexes[r];
            SafeFileHandle[] files = Enumerable.Range(0, index).Select(_ => OpenFile(index)).ToArray();
            await ReplyAsync(requests[r], default(XdrVoid), files);
            Array.ForEach(files, f => f.Dispose());
        }

        for (int i = 0; i < calls; i++)
        {
            (_, SafeFileHandle[] fds) = await pending[i].WaitAsync(Timeout);
            Assert.Equal(i, fds.Length);
            Assert.All(fds, fd => Assert.Equal(i, ReadNumber(fd)));
            Array.ForEach(fds, f => f.Dispose());
        }
    }

    [Fact]
    public async Task ErrorReplyToADescriptorCallIsALibvirtException()
    {
        ValueTask<(XdrVoid Reply, SafeFileHandle[] Fds)> call = _client.CallWithFdsAsync<DomainOpenGraphicsFdArgs, XdrVoid>(
            (uint)RemoteProtocol.RemoteProgram, 1, (int)Procedure.DomainOpenGraphicsFd, new DomainOpenGraphicsFdArgs { Dom = Domain }, [OpenFile(1)]);
        Frame request = await NextRequestAsync();
        Assert.Equal(1, request.FdCount);
        TakeServerFds(1)[0].Dispose();
        VirNetMessageHeader header = request.Header;
        header.Type = VirNetMessageType.Reply;
        header.Status = VirNetMessageStatus.Error;
        FrameWriter.Write(_server.Output, header, new VirNetMessageError { Code = 3, Domain = 10, Message = "not supported", Level = 2 });
        await _server.Output.FlushAsync().AsTask().WaitAsync(Timeout);
        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => call.AsTask().WaitAsync(Timeout));
        Assert.Equal(ErrorCode.NoSupport, error.Code);
        Assert.Equal("not supported", error.Message);
    }

    [Fact]
    public async Task TransportWithoutDescriptorsRefusesBeforeSending()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        await using var rpc = new RpcConnection(new DuplexPipe(toClient.Reader, toServer.Writer));
        Assert.False(rpc.CanPassFds);
        using SafeFileHandle file = OpenFile(0);
        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(() => rpc.CallWithFdsAsync<XdrVoid, XdrVoid>(
            (uint)RemoteProtocol.RemoteProgram, 1, (int)Procedure.DomainCreateXmlWithFiles, default, [file]).AsTask().WaitAsync(Timeout));
        Assert.Contains("Unix socket", error.Message, StringComparison.Ordinal);
        Assert.False(toServer.Reader.TryRead(out _));
    }

    private SafeFileHandle OpenFile(int number) => File.OpenHandle(Path.Combine(_directory, $"file{number}"), FileMode.Open, FileAccess.Read);

    private static int ReadNumber(SafeFileHandle fd)
    {
        var buffer = new byte[16];
        int read = RandomAccess.Read(fd, buffer, 0);
        return int.Parse(Encoding.ASCII.GetString(buffer, 0, read), CultureInfo.InvariantCulture);
    }

    private async Task<Frame> NextRequestAsync() => (await _serverReader.ReadAsync().AsTask().WaitAsync(Timeout))!.Value;

    private SafeFileHandle[] TakeServerFds(int count)
    {
        var fds = new SafeFileHandle[count];
        for (int i = 0; i < count; i++)
        {
            Assert.True(_server.TryTakeReceivedFd(out SafeFileHandle? fd), $"descriptor {i} missing");
            fds[i] = fd;
        }

        return fds;
    }

    private async Task ReplyAsync<T>(VirNetMessageHeader request, T body, SafeHandle[] fds)
        where T : IXdrType<T>
    {
        VirNetMessageHeader header = request;
        header.Status = VirNetMessageStatus.Ok;
        if (fds.Length > 0)
        {
            header.Type = VirNetMessageType.ReplyWithFds;
            FrameWriter.WriteWithFds(_server.Output, header, fds.Length, body);
            _server.QueueFdsToSend(fds);
        }
        else
        {
            header.Type = VirNetMessageType.Reply;
            FrameWriter.Write(_server.Output, header, body);
        }

        await _server.Output.FlushAsync().AsTask().WaitAsync(Timeout);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
