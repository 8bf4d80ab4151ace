using System.IO.Pipelines;
using System.Runtime.InteropServices;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;

namespace LibvirtRemote.Client.Rpc;

/// <summary>File-descriptor passing (CALL_WITH_FDS / REPLY_WITH_FDS); needs a transport that is an <see cref="IFdTransport"/>.</summary>
public sealed partial class RpcConnection
{
    /// <summary>Whether this connection's transport can carry file descriptors (a Unix socket).</summary>
    public bool CanPassFds => _pipe is IFdTransport;

    /// <summary>
    /// Calls a procedure that takes and/or returns file descriptors. With <paramref name="fds"/> non-empty the
    /// call goes as CALL_WITH_FDS and the descriptors follow it (as libvirt's client does, an empty list sends
    /// a plain CALL). The reply's descriptors, if any, are returned and owned by the caller. The handles passed
    /// in are duplicated by the kernel on send and stay the caller's.
    /// </summary>
    /// <exception cref="LibvirtClientException">The transport cannot carry descriptors; nothing was sent.</exception>
    /// <exception cref="LibvirtException">The server answered with an error.</exception>
    /// <exception cref="ConnectionLostException">The connection ended before the reply.</exception>
    public async ValueTask<(TRet Reply, SafeFileHandle[] Fds)> CallWithFdsAsync<TArgs, TRet>(
        uint program, uint version, int procedure, TArgs args, IReadOnlyList<SafeHandle> fds, CancellationToken cancellationToken = default)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        ArgumentNullException.ThrowIfNull(fds);
        if (_pipe is not IFdTransport transport)
        {
            throw new LibvirtClientException("File descriptors can only be passed over a Unix socket connection; this connection's transport cannot carry them");
        }

        if (fds.Count > FrameLimits.MaxFds)
        {
            throw new ArgumentOutOfRangeException(nameof(fds), $"At most {FrameLimits.MaxFds} descriptors fit in one call");
        }

        SafeHandle[] handles = [.. fds];
        ThrowIfFailed();
        var pending = new PendingFdCall<TRet>();
        uint serial = Enlist(pending);
        VirNetMessageHeader header = Header(program, version, procedure, serial) with
        {
            Type = handles.Length > 0 ? VirNetMessageType.CallWithFds : VirNetMessageType.Call,
        };
        try
        {
            await SendWithFdsAsync(header, args, handles, transport, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pending.TryRemove(serial, out _);
            throw;
        }

        try
        {
            return await WaitAsync(serial, pending.Task, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // The reply may have been delivered just as the caller gave up: nobody will take its descriptors.
            _ = pending.Task.ContinueWith(
                static done => CloseAll(done.Result.Fds),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>Closes every handle of <paramref name="fds"/>.</summary>
    internal static void CloseAll(SafeFileHandle[] fds)
    {
        foreach (SafeFileHandle fd in fds)
        {
            fd.Dispose();
        }
    }

    private static void CompleteCall(PendingCall call, in Frame frame, SafeFileHandle[] fds)
    {
        if (call is PendingFdCall fdCall)
        {
            fdCall.Complete(frame, fds);
            return;
        }

        // Descriptors sent with the reply to an ordinary call have no taker.
        CloseAll(fds);
        call.Complete(frame);
    }

    private SafeFileHandle[] TakeReceivedFds(in Frame frame)
    {
        if (frame.FdCount == 0)
        {
            return [];
        }

        if (_pipe is not IFdTransport transport)
        {
            throw new LibvirtProtocolException($"The server announced {frame.FdCount} file descriptors on a transport that cannot carry them");
        }

        var fds = new SafeFileHandle[frame.FdCount];
        for (int i = 0; i < fds.Length; i++)
        {
            if (!transport.TryTakeReceivedFd(out SafeFileHandle? fd))
            {
                CloseAll(fds[..i]);
                throw new LibvirtProtocolException($"The server announced {frame.FdCount} file descriptors but sent {i}");
            }

            fds[i] = fd;
        }

        return fds;
    }

    private async ValueTask SendWithFdsAsync<TBody>(VirNetMessageHeader header, TBody body, SafeHandle[] fds, IFdTransport transport, CancellationToken cancellationToken)
        where TBody : IXdrType<TBody>
    {
        // Hold every handle open while the frame is written: once the frame is in the output, its dummy bytes
        // must follow, so a handle disposed meanwhile must not make queueing them fail.
        int referenced = 0;
        try
        {
            foreach (SafeHandle fd in fds)
            {
                ArgumentNullException.ThrowIfNull(fd, nameof(fds));
                bool added = false;
                fd.DangerousAddRef(ref added);
                referenced++;
            }

            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ThrowIfFailed();
                if (fds.Length > 0)
                {
                    WriteFrame(header, body, fds.Length);
                    transport.QueueFdsToSend(fds);
                }
                else
                {
                    WriteFrame(header, body);
                }

                // Not cancellable: a half-flushed frame would corrupt the stream for every other caller.
                FlushResult flushed = await _pipe.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    throw new ConnectionLostException("The server stopped reading");
                }
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Fail(new ConnectionLostException("Writing to the server failed", e));
                throw _failure!;
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            for (int i = 0; i < referenced; i++)
            {
                fds[i].DangerousRelease();
            }
        }
    }
}
