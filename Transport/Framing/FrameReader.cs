using System.Buffers;
using System.IO.Pipelines;

namespace LibvirtRemote.Transport.Framing;

/// <summary>
/// Reads frames from a <see cref="PipeReader"/>. Single reader: one caller at a time. A returned frame's
/// body stays valid until the next call to <see cref="ReadAsync"/>; frames already buffered are returned
/// without waiting for the pipe.
/// </summary>
public sealed class FrameReader
{
    private readonly PipeReader _input;
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _completed;

    /// <summary>Reads from <paramref name="input"/>.</summary>
    public FrameReader(PipeReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
    }

    /// <summary>
    /// When set, a read cancelled with <see cref="PipeReader.CancelPendingRead"/> returns <see langword="null"/> like the
    /// end of the stream instead of throwing: an owner that stops its read loop that way on close then pays for no
    /// exception.
    /// </summary>
    public bool CanceledReadEndsStream { get; init; }

    /// <summary>
    /// Returns the next frame, or <see langword="null"/> when the peer closed the stream between frames.
    /// </summary>
    /// <exception cref="FrameException">Invalid framing, or the stream ended inside a frame.</exception>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_holding)
            {
                if (FrameParser.TryParse(ref _buffer, out Frame buffered) == OperationStatus.Done)
                {
                    return buffered;
                }

                // Release everything parsed so far; keep the partial frame and ask for more.
                _input.AdvanceTo(_buffer.Start, _buffer.End);
                _holding = false;
                if (_completed)
                {
                    return End();
                }
            }

            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                if (CanceledReadEndsStream)
                {
                    _input.AdvanceTo(result.Buffer.Start);
                    return null;
                }

                throw new OperationCanceledException("Frame read was cancelled", cancellationToken);
            }

            _buffer = result.Buffer;
            _holding = true;
            _completed = result.IsCompleted;
        }
    }

    private Frame? End()
    {
        if (_buffer.Length == 0)
        {
            return null;
        }

        throw new FrameException($"Stream ended inside a frame ({_buffer.Length} bytes of it received)") { EndedInsideFrame = true };
    }
}
