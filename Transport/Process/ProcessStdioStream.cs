using System.Text;
using OsProcess = System.Diagnostics.Process;

namespace LibvirtRemote.Transport.Process;

/// <summary>
/// A child process's stdout (read side) and stdin (write side) seen as one duplex stream. When the process
/// closes its stdout, reading throws an <see cref="IOException"/> that carries its exit status and what it
/// wrote to stderr, so a failed <c>ssh</c> explains itself instead of looking like a clean hang-up.
/// </summary>
internal sealed class ProcessStdioStream : Stream
{
    private const int MaxStderrChars = 16 * 1024;
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);
    private readonly OsProcess _process;
    private readonly string _name;
    private readonly Stream _stdout;
    private readonly Stream _stdin;
    private readonly StringBuilder _stderr = new();
    private bool _inputBroken;
    private int _disposed;

    internal ProcessStdioStream(OsProcess process, string name)
    {
        _process = process;
        _name = name;
        _stdout = process.StandardOutput.BaseStream;
        _stdin = process.StandardInput.BaseStream;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stderr)
            {
                if (_stderr.Length < MaxStderrChars)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>What the process wrote to stderr so far (bounded).</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString().Trim();
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _stdout.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0 || buffer.IsEmpty)
        {
            return read;
        }

        throw await EndedAsync(cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_inputBroken)
        {
            return;
        }

        try
        {
            await _stdin.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            await _stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The process is gone or closed its stdin. Drop what follows: the read side then reports the exit
            // with the process's own error output, which says far more than a broken pipe.
            _inputBroken = true;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // Closing stdin is the polite way to end ssh or netcat; kill only what does not go away.
            await _stdin.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        using var grace = new CancellationTokenSource(ExitGrace);
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await _stdout.DisposeAsync().ConfigureAwait(false);
        _process.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async Task<IOException> EndedAsync(CancellationToken cancellationToken)
    {
        // Wait for the exit (which also drains stderr) so the message has the status and the whole complaint.
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(ExitGrace);
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new IOException($"'{_name}' closed its output{Detail()}");
        }

        return new IOException($"'{_name}' exited with status {_process.ExitCode}{Detail()}");
    }

    private string Detail() => Stderr is { Length: > 0 } text ? ": " + text : string.Empty;
}
