using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// Applies a SASL security layer to a byte pipe in both directions, for clients and servers alike. Until
/// <see cref="Activate"/> it passes bytes through unchanged (the SASL exchange itself travels in the clear);
/// afterwards every write is cut into pieces of at most <see cref="ISaslSecurityLayer.MaxWrapInput"/> bytes,
/// each sent as a 4-byte big-endian length and the wrapped token, and incoming tokens are checked and unwrapped
/// the same way — the byte stream libvirt's sockets carry once SASL negotiated a layer.
/// </summary>
/// <remarks>
/// Activation must fall between messages: a client activates after it has read the reply that completed the
/// exchange and before it sends anything else; a server after it has flushed that reply and before it reads the
/// next call. Both hold because a peer sends nothing between the completing reply and its next call.
/// </remarks>
public sealed class SaslSecurityLayerPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly IDuplexPipe _inner;
    private readonly Pipe _decoded = new(new PipeOptions(useSynchronizationContext: false));
    private readonly LayeredWriter _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private volatile ISaslSecurityLayer? _layer;
    private volatile ISaslSecurityLayer? _inputLayer;
    private int _disposed;

    /// <summary>Wraps <paramref name="inner"/>, applying <paramref name="layer"/> at once, or only after <see cref="Activate"/> when null.</summary>
    public SaslSecurityLayerPipe(IDuplexPipe inner, ISaslSecurityLayer? layer = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _layer = layer;
        _writer = new LayeredWriter(this);
        _pump = Task.Run(PumpInputAsync);
    }

    /// <inheritdoc/>
    public PipeReader Input => _decoded.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _writer;

    /// <summary>The active layer, or null while bytes pass through unchanged.</summary>
    public ISaslSecurityLayer? Layer => _layer;

    /// <summary>Starts protecting everything written from now on and everything read that has not been read yet.</summary>
    /// <remarks>Call it with nothing written and unflushed: bytes written before are sent unprotected.</remarks>
    /// <exception cref="InvalidOperationException">A layer is already active.</exception>
    public void Activate(ISaslSecurityLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_layer is not null)
        {
            throw new InvalidOperationException("A security layer is already active");
        }

        _layer = layer;
    }

    /// <summary>
    /// Starts unwrapping incoming bytes only, leaving output in the clear until <see cref="Activate"/>. A server calls
    /// it before it sends the reply that completes the exchange: the client may answer that reply at once, and its
    /// next bytes are already protected, possibly before the server gets round to activating its output.
    /// </summary>
    public void ActivateInput(ISaslSecurityLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _inputLayer = layer;
    }

    /// <summary>Stops the input pump and disposes the inner pipe when it is disposable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (!_pump.IsCompleted)
        {
            try
            {
                _inner.Input.CancelPendingRead();
            }
            catch (InvalidOperationException)
            {
                // The pump completed the reader in the meantime.
            }
        }

        await _pump.ConfigureAwait(false);
        await _inner.Output.CompleteAsync().ConfigureAwait(false);
        if (_inner is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }

        (_layer as IDisposable)?.Dispose();
        _stop.Dispose();
    }

    private async Task PumpInputAsync()
    {
        Exception? failure = null;
        PipeReader source = _inner.Input;
        PipeWriter target = _decoded.Writer;
        try
        {
            while (true)
            {
                ReadResult result = await source.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                ISaslSecurityLayer? layer = _inputLayer ?? _layer;
                if (layer is null)
                {
                    foreach (ReadOnlyMemory<byte> segment in buffer)
                    {
                        target.Write(segment.Span);
                    }

                    buffer = buffer.Slice(buffer.End);
                }
                else
                {
                    buffer = UnwrapTokens(layer, buffer, target);
                }

                source.AdvanceTo(buffer.Start, buffer.End);
                FlushResult flushed = await target.FlushAsync(_stop.Token).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    break;
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new SaslException("The peer closed the connection in the middle of a security layer token");
                    }

                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            failure = e;
        }

        await target.CompleteAsync(failure).ConfigureAwait(false);
        await source.CompleteAsync().ConfigureAwait(false);
    }

    private static ReadOnlySequence<byte> UnwrapTokens(ISaslSecurityLayer layer, ReadOnlySequence<byte> buffer, PipeWriter target)
    {
        Span<byte> prefix = stackalloc byte[4];
        while (buffer.Length >= 4)
        {
            buffer.Slice(0, 4).CopyTo(prefix);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
            if (length == 0 || length > (uint)layer.MaxUnwrapInput)
            {
                throw new SaslException($"Security layer token of {length} bytes exceeds the {layer.MaxUnwrapInput} bytes allowed");
            }

            if (buffer.Length < 4 + length)
            {
                break;
            }

            ReadOnlySequence<byte> token = buffer.Slice(4, length);
            Span<byte> destination = target.GetSpan((int)length);
            int written;
            if (token.IsSingleSegment)
            {
                written = layer.Unwrap(token.FirstSpan, destination);
            }
            else
            {
                byte[] rented = ArrayPool<byte>.Shared.Rent((int)length);
                try
                {
                    token.CopyTo(rented);
                    written = layer.Unwrap(rented.AsSpan(0, (int)length), destination);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }

            target.Advance(written);
            buffer = buffer.Slice(4 + length);
        }

        return buffer;
    }

    /// <summary>Passes writes straight through until a layer is active; then buffers them and wraps them on flush.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A PipeWriter is finished by Complete, which releases the buffer.")]
    private sealed class LayeredWriter(SaslSecurityLayerPipe owner) : PipeWriter
    {
        // Segmented so that bytes already handed out never move: frame writers fill a reserved length word after
        // writing what follows, which a growing single array would leave behind in a discarded copy.
        private PooledBufferWriter _plain = new();
        private byte[]? _scratch;

        private PipeWriter Inner => owner._inner.Output;

        public override void Advance(int bytes)
        {
            if (owner._layer is null)
            {
                Inner.Advance(bytes);
            }
            else
            {
                _plain.Advance(bytes);
            }
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => owner._layer is null ? Inner.GetMemory(sizeHint) : _plain.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => owner._layer is null ? Inner.GetSpan(sizeHint) : _plain.GetSpan(sizeHint);

        public override void CancelPendingFlush() => Inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            _plain.Dispose();
            Inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            _plain.Dispose();
            return Inner.CompleteAsync(exception);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            ISaslSecurityLayer? layer = owner._layer;
            if (layer is not null && _plain.Length > 0)
            {
                ReadOnlySequence<byte> pending = _plain.AsSequence();
                while (!pending.IsEmpty)
                {
                    int size = (int)Math.Min(pending.Length, layer.MaxWrapInput);
                    ReadOnlySequence<byte> piece = pending.Slice(0, size);
                    ReadOnlySpan<byte> chunk;
                    if (piece.IsSingleSegment)
                    {
                        chunk = piece.FirstSpan;
                    }
                    else
                    {
                        _scratch ??= new byte[layer.MaxWrapInput];
                        piece.CopyTo(_scratch);
                        chunk = _scratch.AsSpan(0, size);
                    }

                    Span<byte> destination = Inner.GetSpan(4 + layer.GetMaxWrappedLength(size));
                    int length = layer.Wrap(chunk, destination[4..]);
                    BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length);
                    Inner.Advance(4 + length);
                    pending = pending.Slice(size);
                }

                // Keep the segments for the next frame unless one huge write grew them far beyond a normal one.
                if (_plain.Length > 4 * 1024 * 1024)
                {
                    _plain.Dispose();
                    _plain = new PooledBufferWriter();
                }
                else
                {
                    _plain.Reset();
                }
            }

            return Inner.FlushAsync(cancellationToken);
        }
    }
}
