using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>Frames and file descriptors over a real Unix socket, with <see cref="UnixSocketPipe"/> on both ends.</summary>
public sealed class UnixSocketPipeTests() : UnixSocketPipeContract(receiveThread: false);

/// <summary>
/// The same with the receiving end (the pair's "server", which most tests read from) on its own blocking receive
/// thread, the mode our client connects with.
/// </summary>
[Collection(ReceiveThreadCollection.Name)]
public sealed class UnixSocketPipeReceiveThreadTests() : UnixSocketPipeContract(receiveThread: true);

/// <summary>What a <see cref="UnixSocketPipe"/> pair must do in either receive mode.</summary>
public abstract class UnixSocketPipeContract(bool receiveThread) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private UnixSocketPair _pair = null!;

    public async Task InitializeAsync() => _pair = await UnixSocketPair.CreateAsync(receiveThread);

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task ReceivedDescriptorRefersToTheSameFile()
    {
        string path = Path.Combine(_pair.Directory, "shared");
        using (SafeFileHandle file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            await SendAsync(_pair.Client, serial: 1, body: new byte[8], file);
        }

        // The sender's handle is closed now: the receiver's descriptor keeps the file open on its own.
        var reader = new FrameReader(_pair.Server.Input);
        Frame frame = (await reader.ReadAsync().AsTask().WaitAsync(Timeout))!.Value;
        Assert.Equal(VirNetMessageType.CallWithFds, frame.Header.Type);
        Assert.Equal(1, frame.FdCount);
        Assert.Equal(8, frame.Body.Length);
        Assert.True(_pair.Server.TryTakeReceivedFd(out SafeFileHandle? received));
        using (received)
        {
            RandomAccess.Write(received, "written through the passed descriptor"u8, 0);
        }

        Assert.Equal("written through the passed descriptor", await File.ReadAllTextAsync(path).WaitAsync(Timeout));
        Assert.False(_pair.Server.TryTakeReceivedFd(out _));
    }

    [Fact]
    public async Task ThirtyTwoDescriptorsInOneMessageArriveInOrder()
    {
        SafeFileHandle[] files = OpenNumberedFiles(32);
        try
        {
            await SendAsync(_pair.Client, serial: 7, body: new byte[4], files);
        }
        finally
        {
            Array.ForEach(files, f => f.Dispose());
        }

        var reader = new FrameReader(_pair.Server.Input);
        Frame frame = (await reader.ReadAsync().AsTask().WaitAsync(Timeout))!.Value;
        Assert.Equal(32, frame.FdCount);
        for (int i = 0; i < 32; i++)
        {
            Assert.True(_pair.Server.TryTakeReceivedFd(out SafeFileHandle? fd), $"descriptor {i} missing");
            using (fd)
            {
                Assert.Equal(i, ReadNumber(fd));
            }
        }

        Assert.False(_pair.Server.TryTakeReceivedFd(out _));
    }

    [Fact]
    public async Task ManyFramesInterleavedWithDescriptorsKeepTheirDescriptors()
    {
        const int frames = 300;
        SafeFileHandle[] files = OpenNumberedFiles(5);
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < frames; i++)
            {
                // Every fourth frame is flushed with the next ones, so some batches hold several descriptor groups.
                int fdCount = i % 3 == 0 ? 0 : i % 5 + 1;
                await SendAsync(_pair.Client, (uint)i, BitConverter.GetBytes(i), files[..fdCount], flush: i % 4 != 0);
            }

            await _pair.Client.Output.FlushAsync();
        });

        var reader = new FrameReader(_pair.Server.Input);
        for (int i = 0; i < frames; i++)
        {
            Frame frame = (await reader.ReadAsync().AsTask().WaitAsync(Timeout))!.Value;
            Assert.Equal((uint)i, frame.Header.Serial);
            int expected = i % 3 == 0 ? 0 : i % 5 + 1;
            Assert.Equal(expected, frame.FdCount);
            for (int f = 0; f < expected; f++)
            {
                Assert.True(_pair.Server.TryTakeReceivedFd(out SafeFileHandle? fd));
                using (fd)
                {
                    Assert.Equal(f, ReadNumber(fd));
                }
            }

            // Descriptors of later frames may already be queued (received with the same bytes): no check here.
        }

        await sender.WaitAsync(Timeout);
        Assert.False(_pair.Server.TryTakeReceivedFd(out _));
        Array.ForEach(files, f => f.Dispose());
    }

    [Fact]
    public async Task LargeFramesBetweenDescriptorFramesArriveIntact()
    {
        SafeFileHandle[] files = OpenNumberedFiles(3);
        var big = new byte[1024 * 1024];
        new Random(42).NextBytes(big);
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < 12; i++)
            {
                if (i % 2 == 0)
                {
                    await SendAsync(_pair.Client, (uint)i, big);
                }
                else
                {
                    await SendAsync(_pair.Client, (uint)i, new byte[4], files);
                }
            }
        });

        var reader = new FrameReader(_pair.Server.Input);
        for (int i = 0; i < 12; i++)
        {
            Frame frame = (await reader.ReadAsync().AsTask().WaitAsync(Timeout))!.Value;
            Assert.Equal((uint)i, frame.Header.Serial);
            if (i % 2 == 0)
            {
                Assert.Equal(0, frame.FdCount);
                Assert.True(frame.Body.ToArray().AsSpan().SequenceEqual(big));
                continue;
            }

            Assert.Equal(3, frame.FdCount);
            for (int f = 0; f < 3; f++)
            {
                Assert.True(_pair.Server.TryTakeReceivedFd(out SafeFileHandle? fd));
                using (fd)
                {
                    Assert.Equal(f, ReadNumber(fd));
                }
            }
        }

        await sender.WaitAsync(Timeout);
        Array.ForEach(files, f => f.Dispose());
    }

    [Fact]
    public async Task DescriptorsTravelBothWaysAtOnce()
    {
        SafeFileHandle[] files = OpenNumberedFiles(2);
        Task a = SendAsync(_pair.Client, 1, new byte[4], files);
        Task b = SendAsync(_pair.Server, 2, new byte[4], files[1..]);
        await Task.WhenAll(a, b).WaitAsync(Timeout);
        Frame atServer = (await new FrameReader(_pair.Server.Input).ReadAsync().AsTask().WaitAsync(Timeout))!.Value;
        Frame atClient = (await new FrameReader(_pair.Client.Input).ReadAsync().AsTask().WaitAsync(Timeout))!.Value;
        Assert.Equal(2, atServer.FdCount);
        Assert.Equal(1, atClient.FdCount);
        Assert.True(_pair.Client.TryTakeReceivedFd(out SafeFileHandle? back));
        using (back)
        {
            Assert.Equal(1, ReadNumber(back));
        }

        Array.ForEach(files, f => f.Dispose());
    }

    [Fact]
    public async Task PeerClosingMidFrameEndsTheInputWithAnError()
    {
        var reader = new FrameReader(_pair.Server.Input);
        var half = new byte[40];
        BinaryPrimitives.WriteUInt32BigEndian(half, 100);
        await _pair.Client.Output.WriteAsync(half).AsTask().WaitAsync(Timeout);
        await _pair.Client.DisposeAsync().AsTask().WaitAsync(Timeout);
        FrameException error = await Assert.ThrowsAsync<FrameException>(() => reader.ReadAsync().AsTask().WaitAsync(Timeout));
        Assert.Contains("ended inside a frame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerClosingBetweenFramesEndsTheInputCleanly()
    {
        var reader = new FrameReader(_pair.Server.Input);
        await SendAsync(_pair.Client, 3, new byte[4]);
        await _pair.Client.DisposeAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(3u, (await reader.ReadAsync().AsTask().WaitAsync(Timeout))!.Value.Header.Serial);
        Assert.Null(await reader.ReadAsync().AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task UnclaimedDescriptorsAreClosedOnDispose()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.In);
        using (var writeEnd = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.Out, pipe.ClientSafePipeHandle))
        {
            await SendAsync(_pair.Client, 1, new byte[4], writeEnd.SafePipeHandle);
        }

        Frame frame = (await new FrameReader(_pair.Server.Input).ReadAsync().AsTask().WaitAsync(Timeout))!.Value;
        Assert.Equal(1, frame.FdCount);

        // The only write end left is the one queued, unclaimed, in the receiver: disposing must close it,
        // which the read end sees as end of file.
        await _pair.Server.DisposeAsync().AsTask().WaitAsync(Timeout);
        var buffer = new byte[1];
        Assert.Equal(0, await pipe.ReadAsync(buffer).AsTask().WaitAsync(Timeout));
    }

    private SafeFileHandle[] OpenNumberedFiles(int count)
    {
        var files = new SafeFileHandle[count];
        for (int i = 0; i < count; i++)
        {
            string path = Path.Combine(_pair.Directory, $"file{i}");
            File.WriteAllText(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            files[i] = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }

        return files;
    }

    private static int ReadNumber(SafeFileHandle fd)
    {
        var buffer = new byte[16];
        int read = RandomAccess.Read(fd, buffer, 0);
        return int.Parse(Encoding.ASCII.GetString(buffer, 0, read), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task SendAsync(UnixSocketPipe pipe, uint serial, byte[] body, params SafeHandle[] fds)
        => await SendAsync(pipe, serial, body, fds, flush: true);

    private static async Task SendAsync(UnixSocketPipe pipe, uint serial, byte[] body, SafeHandle[] fds, bool flush)
    {
        var header = new VirNetMessageHeader
        {
            Prog = (uint)RemoteProtocol.RemoteProgram,
            Vers = 1,
            Proc = (int)Procedure.DomainCreateXmlWithFiles,
            Type = fds.Length > 0 ? VirNetMessageType.CallWithFds : VirNetMessageType.Call,
            Serial = serial,
            Status = VirNetMessageStatus.Ok,
        };
        if (fds.Length > 0)
        {
            FrameWriter.WriteWithFds(pipe.Output, header, fds.Length, new RawBytes(body));
            pipe.QueueFdsToSend(fds);
        }
        else
        {
            FrameWriter.Write(pipe.Output, header, body);
        }

        if (flush)
        {
            FlushResult result = await pipe.Output.FlushAsync().AsTask().WaitAsync(Timeout);
            Assert.False(result.IsCompleted);
        }
    }
}

/// <summary>A body that is already bytes.</summary>
internal readonly struct RawBytes(byte[] bytes) : IXdrType<RawBytes>
{
    public static int MinEncodedSize => 0;

    public static RawBytes Decode(ref XdrReader reader) => throw new NotSupportedException();

    public void Encode(ref XdrWriter writer) => writer.WriteRaw(bytes);
}
