using System.IO.Pipelines;

namespace LibvirtRemote.Transport.Sockets;

/// <summary>
/// Passes writes through and counts the bytes committed, so a byte's position in the outgoing stream is known
/// when it is written (descriptors are attached to bytes by position).
/// </summary>
internal sealed class CountingPipeWriter(PipeWriter inner) : PipeWriter
{
    /// <summary>Bytes committed with <see cref="Advance"/> since the start; written only by the single writer.</summary>
    public long BytesWritten { get; private set; }

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override void Advance(int bytes)
    {
        inner.Advance(bytes);
        BytesWritten += bytes;
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
}
