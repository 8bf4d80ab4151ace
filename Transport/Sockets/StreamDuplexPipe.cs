using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// A connected byte stream seen as a pipe pair. Plain adapter over a <see cref="Stream"/>; the client and
/// server connection layers read frames from <see cref="Input"/> and batch frames into <see cref="Output"/>.
/// </summary>
public sealed class StreamDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly Stream _stream;

    /// <summary>Wraps <paramref name="stream"/>; disposing this disposes the stream.</summary>
    public StreamDuplexPipe(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <inheritdoc/>
    public PipeReader Input { get; }

    /// <inheritdoc/>
    public PipeWriter Output { get; }

    /// <summary>Connects to a Unix domain socket.</summary>
    public static async Task<StreamDuplexPipe> ConnectUnixAsync(string path, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new StreamDuplexPipe(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects over TCP with Nagle's algorithm off (RPC frames are small and latency-bound).</summary>
    public static async Task<StreamDuplexPipe> ConnectTcpAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new StreamDuplexPipe(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
