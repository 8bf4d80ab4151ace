using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Streams;

/// <summary>
/// A libvirt data stream (screenshot, volume download/upload, console, channel) as a <see cref="Stream"/>.
/// It travels over the connection of the call that opened it, with that call's program, procedure and serial.
/// </summary>
/// <remarks>
/// <para>
/// Reading: <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> returns 0 once the server has sent its end
/// marker. On a sparse stream (opened with the procedure's sparse flag) plain reads return holes as zero bytes,
/// like libvirt's <c>virStreamRecv</c>; <see cref="ReadSegmentAsync"/> reports them as holes instead.
/// </para>
/// <para>
/// Ending: <see cref="FinishAsync"/> completes the transfer (after reading to the end, or after the last write of
/// an upload) and waits for the server's confirmation; <see cref="AbortAsync"/> cancels it. Disposing finishes a
/// stream whose end marker has arrived and aborts any other, so an upload must be finished explicitly to count.
/// </para>
/// <para>
/// One reader and one writer may work at the same time (a console reads and writes concurrently); overlapping
/// reads, or overlapping writes, are not allowed. Incoming data is buffered without blocking the connection; see
/// <see cref="LibvirtStreamOptions"/> for the policy.
/// </para>
/// </remarks>
public sealed partial class LibvirtStream : Stream
{
    /// <summary>Largest data packet libvirt sends or accepts on a stream (its 256 KiB buffer less the header).</summary>
    public const int MaxChunkSize = 262120;

    private readonly RpcConnection _rpc;
    private readonly LibvirtStreamOptions _options;
    private readonly bool _canRead;
    private readonly bool _canWrite;
    private int _writing;

    private LibvirtStream(RpcConnection rpc, uint program, uint version, int procedure, FileAccess access, bool sparse, LibvirtStreamOptions options)
    {
        _rpc = rpc;
        Program = program;
        Version = version;
        Procedure = procedure;
        _canRead = (access & FileAccess.Read) != 0;
        _canWrite = (access & FileAccess.Write) != 0;
        IsSparse = sparse;
        _options = options;
    }

    /// <summary>Program of the opening call.</summary>
    public uint Program { get; }

    /// <summary>Program version of the opening call.</summary>
    public uint Version { get; }

    /// <summary>Procedure of the opening call.</summary>
    public int Procedure { get; }

    /// <summary>Whether holes may travel on this stream (the opening call set its sparse flag).</summary>
    public bool IsSparse { get; }

    /// <inheritdoc/>
    public override bool CanRead => _canRead;

    /// <inheritdoc/>
    public override bool CanWrite => _canWrite;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("A libvirt stream has no length");

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException("A libvirt stream cannot seek");
        set => throw new NotSupportedException("A libvirt stream cannot seek");
    }

    /// <summary>
    /// Calls a procedure that opens a stream and returns its reply with the stream. The stream is listening before
    /// the call is sent, so data that libvirtd sends ahead of the reply is kept. When the call fails, no stream is
    /// left behind.
    /// </summary>
    /// <param name="rpc">The connection.</param>
    /// <param name="program">Program number (remote, qemu, ...).</param>
    /// <param name="version">Program version.</param>
    /// <param name="procedure">Procedure number.</param>
    /// <param name="args">Call arguments.</param>
    /// <param name="access">Which way data flows: read (download), write (upload) or both (console, channel).</param>
    /// <param name="sparse">Whether the call's flags include the procedure's sparse flag (<see cref="ProcedureInfo.SparseFlag"/>).</param>
    /// <param name="options">Buffer limits and timeouts; <see cref="LibvirtStreamOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call (the stream is then aborted).</param>
    /// <exception cref="LibvirtException">The server refused the call.</exception>
    public static async Task<(TRet Reply, LibvirtStream Stream)> OpenAsync<TArgs, TRet>(
        RpcConnection rpc,
        uint program,
        uint version,
        int procedure,
        TArgs args,
        FileAccess access,
        bool sparse,
        LibvirtStreamOptions? options = null,
        CancellationToken cancellationToken = default)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        ArgumentNullException.ThrowIfNull(rpc);
        var stream = new LibvirtStream(rpc, program, version, procedure, access, sparse, options ?? LibvirtStreamOptions.Default);
        try
        {
            TRet reply = await rpc.CallAsync<TArgs, TRet>(program, version, procedure, args, stream, cancellationToken).ConfigureAwait(false);
            return (reply, stream);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // The call may have reached the server and opened the stream there; an abort for a stream the server
            // never opened is dropped by it, so sending one is always safe and frees the server's side.
            stream.ReleaseAfterFailedOpen(sendAbort: true);
            throw;
        }
        catch
        {
            stream.ReleaseAfterFailedOpen(sendAbort: false);
            throw;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        StreamSegment segment = await ReadCoreAsync(buffer, stopAtHole: false, cancellationToken).ConfigureAwait(false);
        return (int)segment.Length;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Reads the next data bytes into <paramref name="buffer"/>, or reports the next hole whole without filling
    /// anything (libvirt's <c>virStreamRecvFlags</c> with <c>VIR_STREAM_RECV_STOP_AT_HOLE</c> followed by
    /// <c>virStreamRecvHole</c>), or the end. Data never spans a hole.
    /// </summary>
    /// <exception cref="LibvirtException">The server failed the stream.</exception>
    /// <exception cref="ConnectionLostException">The connection ended.</exception>
    public ValueTask<StreamSegment> ReadSegmentAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The buffer must not be empty", nameof(buffer));
        }

        return ReadCoreAsync(buffer, stopAtHole: true, cancellationToken);
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
        => ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Sends <paramref name="buffer"/> as stream data, in packets of at most <see cref="MaxChunkSize"/> bytes.
    /// Returns when the data has been handed to the socket.
    /// </summary>
    /// <exception cref="LibvirtException">The server failed the stream.</exception>
    /// <exception cref="ConnectionLostException">The connection ended.</exception>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnterWrite();
        try
        {
            // An empty CONTINUE packet means "end of data" on the wire, so empty writes send nothing.
            while (!buffer.IsEmpty)
            {
                ThrowIfNotOpen();
                ReadOnlyMemory<byte> chunk = buffer[..Math.Min(buffer.Length, MaxChunkSize)];
                await _rpc.SendPacketAsync(Header(VirNetMessageType.Stream, VirNetMessageStatus.Continue), chunk, cancellationToken).ConfigureAwait(false);
                buffer = buffer[chunk.Length..];
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
        => WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Sends a hole: <paramref name="length"/> zero bytes the server writes as a gap (libvirt's
    /// <c>virStreamSendHole</c>). Only on a writable sparse stream; libvirtd drops a client that sends a hole on a
    /// stream opened without the sparse flag, so this throws instead of sending.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stream is not sparse.</exception>
    /// <exception cref="NotSupportedException">The stream is not writable.</exception>
    public async ValueTask SendHoleAsync(long length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (!IsSparse)
        {
            throw new InvalidOperationException("Holes are only allowed on a stream opened with the procedure's sparse flag");
        }

        EnterWrite();
        try
        {
            ThrowIfNotOpen();
            await _rpc.SendPacketAsync(
                Header(VirNetMessageType.StreamHole, VirNetMessageStatus.Continue),
                new VirNetStreamHole { Length = length, Flags = 0 },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>Data is sent as it is written; nothing to flush.</summary>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A libvirt stream cannot seek");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("A libvirt stream has no length");

    private VirNetMessageHeader Header(VirNetMessageType type, VirNetMessageStatus status) => new()
    {
        Prog = Program,
        Vers = Version,
        Proc = Procedure,
        Type = type,
        Serial = Serial,
        Status = status,
    };

    private void EnterWrite()
    {
        if (!_canWrite)
        {
            throw new NotSupportedException("This stream only carries data from the server");
        }

        if (Interlocked.Exchange(ref _writing, 1) != 0)
        {
            throw new InvalidOperationException("Another write is in progress on this stream");
        }
    }
}
