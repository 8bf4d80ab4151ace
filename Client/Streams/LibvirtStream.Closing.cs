using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client.Streams;

/// <summary>The ending half: finish, abort, dispose and the server's confirmations.</summary>
public sealed partial class LibvirtStream
{
    private StreamState _state = StreamState.Open;
    private TaskCompletionSource? _confirm;
    private int _disposed;

    private enum StreamState
    {
        Open,
        Closing,
        Finished,
        Aborted,
        Failed,
    }

    /// <summary>
    /// Completes the transfer: sends the finish packet and waits (at most
    /// <see cref="LibvirtStreamOptions.ConfirmTimeout"/>) for the server's confirmation. For a download, call it
    /// after <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> returned 0; for an upload, after the last
    /// write — the server commits the data only then. Finishing a finished stream does nothing.
    /// </summary>
    /// <exception cref="LibvirtException">The server failed the stream or refused to finish it.</exception>
    /// <exception cref="ConnectionLostException">The connection ended.</exception>
    /// <exception cref="TimeoutException">The server did not confirm in time; the stream is then failed.</exception>
    public Task FinishAsync(CancellationToken cancellationToken = default)
        => CloseAsync(VirNetMessageStatus.Ok, cancellationToken);

    /// <summary>
    /// Cancels the transfer: sends the abort packet and waits (at most
    /// <see cref="LibvirtStreamOptions.ConfirmTimeout"/>) for the server's confirmation. Aborting a stream that
    /// already failed or was aborted does nothing.
    /// </summary>
    /// <exception cref="LibvirtException">The server reported an error while aborting.</exception>
    /// <exception cref="ConnectionLostException">The connection ended.</exception>
    /// <exception cref="TimeoutException">The server did not confirm in time.</exception>
    public Task AbortAsync(CancellationToken cancellationToken = default)
        => CloseAsync(VirNetMessageStatus.Error, cancellationToken);

    /// <summary>Finishes the stream if the server's end marker has arrived, aborts it otherwise; never throws.</summary>
    public override async ValueTask DisposeAsync()
    {
        await DisposeCoreAsync().ConfigureAwait(false);

        // Runs Dispose(true), which finds the work done.
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeCoreAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async ValueTask DisposeCoreAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        bool open;
        bool endReceived;
        lock (_gate)
        {
            open = _state == StreamState.Open;
            endReceived = _endReceived;
        }

        if (open)
        {
            try
            {
                await CloseAsync(endReceived ? VirNetMessageStatus.Ok : VirNetMessageStatus.Error, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is LibvirtClientException or TimeoutException or InvalidOperationException)
            {
                // Disposal is best effort; the failure was recorded on the stream.
            }
        }

        DataWaiter? waiter;
        lock (_gate)
        {
            if (_state is StreamState.Open or StreamState.Closing)
            {
                _state = StreamState.Aborted;
            }

            DrainQueue();
            waiter = _dataWaiter;
            _dataWaiter = null;
        }

        DataWaiter.Wake(waiter);

        _rpc.RemoveStream(Serial);
        ReleaseReaderBuffer();
    }

    private async Task CloseAsync(VirNetMessageStatus status, CancellationToken cancellationToken)
    {
        var confirm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_error is Exception error)
            {
                if (status == VirNetMessageStatus.Error)
                {
                    return;
                }

                throw error;
            }

            switch (_state)
            {
                case StreamState.Finished when status == VirNetMessageStatus.Ok:
                case StreamState.Aborted when status == VirNetMessageStatus.Error:
                    return;
                case StreamState.Finished or StreamState.Aborted:
                    throw new InvalidOperationException($"The stream was already {(_state == StreamState.Finished ? "finished" : "aborted")}");
                case StreamState.Closing:
                    throw new InvalidOperationException("A finish or abort is already in progress on this stream");
            }

            _state = StreamState.Closing;
            _confirm = confirm;
        }

        bool confirmed = false;
        try
        {
            await _rpc.SendPacketAsync(Header(VirNetMessageType.Stream, status), ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            await confirm.Task.WaitAsync(_options.ConfirmTimeout, cancellationToken).ConfigureAwait(false);
            confirmed = true;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            lock (_gate)
            {
                if (_confirm == confirm)
                {
                    _confirm = null;
                }
            }

            // Whether the server has finished is unknown now; nothing further can be done on this stream.
            Fail(new LibvirtClientException($"The stream's {(status == VirNetMessageStatus.Ok ? "finish" : "abort")} was not confirmed: {e.Message}", e), removeRoute: true);
            throw;
        }
        finally
        {
            DataWaiter? waiter;
            lock (_gate)
            {
                if (confirmed)
                {
                    _state = status == VirNetMessageStatus.Ok ? StreamState.Finished : StreamState.Aborted;
                }

                DrainQueue();
                waiter = _dataWaiter;
                _dataWaiter = null;
            }

            DataWaiter.Wake(waiter);
            if (!confirmed && confirm.Task.IsFaulted)
            {
                // Failed by the connection while our packet was still being sent; the caller got that error already.
                _ = confirm.Task.Exception;
            }

            if (confirmed)
            {
                _rpc.RemoveStream(Serial);
                ReleaseReaderBuffer();
            }
        }
    }

    /// <summary>The server's STREAM/OK: the confirmation of our finish or abort.</summary>
    private void OnConfirmation()
    {
        TaskCompletionSource? confirm;
        lock (_gate)
        {
            confirm = _confirm;
            _confirm = null;
        }

        if (confirm is null)
        {
            Fail(new LibvirtProtocolException("The server confirmed a finish this client did not send"), removeRoute: true);
            return;
        }

        confirm.TrySetResult();
    }

    private void ThrowIfNotOpen()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            if (_error is Exception error)
            {
                throw error;
            }

            if (_state != StreamState.Open)
            {
                throw new InvalidOperationException("The stream was finished or aborted");
            }
        }
    }

    private void ReleaseAfterFailedOpen(bool sendAbort)
    {
        lock (_gate)
        {
            _state = StreamState.Aborted;
            DrainQueue();
        }

        _rpc.RemoveStream(Serial);
        if (sendAbort)
        {
            SendAbortInBackground();
        }
    }

    /// <summary>Tells the server to drop the stream without waiting for its answer (the route is already gone).</summary>
    private void SendAbortInBackground() => _ = SendAbortQuietlyAsync();

    private async Task SendAbortQuietlyAsync()
    {
        try
        {
            await _rpc.SendPacketAsync(Header(VirNetMessageType.Stream, VirNetMessageStatus.Error), ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LibvirtClientException)
        {
            // The connection is failing; it reports that itself.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
