using System.Buffers.Binary;

namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// Passes writes to an inner stream cut at frame boundaries, so that no single inner write carries bytes of two
/// frames. Over TLS each inner write becomes its own record(s); libvirtd 9.0.0 does not notice a second frame
/// that shares a record with the first until more bytes arrive, so frames must never share one. Reads pass
/// through unchanged.
/// </summary>
public sealed class FramePerWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _lengthWord = new byte[4];
    private int _lengthBytes;
    private long _remaining;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FramePerWriteStream(Stream inner, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <inheritdoc/>
    public override bool CanRead => _inner.CanRead;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => _inner.CanWrite;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override void Flush() => _inner.Flush();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _inner.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => _inner.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
        => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int piece = NextPiece(buffer.Span);
            await _inner.WriteAsync(buffer[..piece], cancellationToken).ConfigureAwait(false);
            buffer = buffer[piece..];
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>How many bytes from the start of <paramref name="data"/> belong to the current frame; advances the state.</summary>
    private int NextPiece(ReadOnlySpan<byte> data)
    {
        int taken = 0;
        while (taken < data.Length)
        {
            if (_remaining > 0)
            {
                int part = (int)Math.Min(_remaining, data.Length - taken);
                taken += part;
                _remaining -= part;
                if (_remaining == 0)
                {
                    return taken;
                }

                continue;
            }

            _lengthWord[_lengthBytes++] = data[taken++];
            if (_lengthBytes == 4)
            {
                _lengthBytes = 0;

                // The length word counts itself; a nonsense length is the frame layer's to reject, we just never split.
                uint length = BinaryPrimitives.ReadUInt32BigEndian(_lengthWord);
                _remaining = length > 4 ? length - 4 : 0;
                if (_remaining == 0)
                {
                    return taken;
                }
            }
        }

        return taken;
    }
}
