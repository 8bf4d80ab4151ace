using System.Buffers;
using System.IO.Pipelines;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.Dispatch;
using LibvirtRemote.Server.Streams;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;

namespace LibvirtRemote.Server.Connections;

/// <summary>
/// One client: reads its frames, routes calls to the connection's own procedures or to the backend's handlers,
/// streams packets to their streams, and keeps at most <see cref="ServerOptions.MaxClientRequests"/> calls in
/// progress (it stops reading while that many are outstanding, as libvirtd does). A protocol violation ends this
/// connection only.
/// </summary>
internal sealed partial class ClientConnection : IAsyncDisposable
{
    private const int SlowBatchesToMove = 4;
    private const long SlowBatchWindowMs = 2000;
    private const long PipelinedBatches = 256;

    private readonly IDuplexPipe _pipe;
    private readonly IFdTransport? _fdTransport;
    private readonly ListenerOptions _listener;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _slotGate = new();
    private static readonly QemuHandlers NoQemu = new();
    private static readonly LxcHandlers NoLxc = new();
    private readonly Lock _streamGate = new();

    // Created by the first stream: most connections never open one.
    private Dictionary<uint, ServerStream>? _streams;
    private RemoteHandlers? _remote;
    private QemuHandlers? _qemu;
    private LxcHandlers? _lxc;
    private AdminHandlers? _admin;
    private TaskCompletionSource? _slotWaiter;
    private int _inFlight;
    private volatile bool _closeAfterReply;
    private int _closed;
    private bool _inline = true;
    private long _batchStarted;
    private long _slowWindowStart;
    private int _slowBatches;
    private long _batches;
    private int _servedInBatch;
    private long _pipelinedUntil;

    public ClientConnection(LibvirtServer server, IDuplexPipe pipe, ClientContext context, ListenerOptions listener)
    {
        Server = server;
        _pipe = pipe;
        _fdTransport = pipe as IFdTransport;
        _listener = listener;
        Context = context;
        Context.Authenticated = listener.Auth == ServerAuth.None;
        Outbox = new Outbox(pipe.Output, _fdTransport);
        Outbox.Failed += e => { Server.Log(LogLevelName.Debug, $"client {Context.Id}: output failed: {e?.Message ?? "peer stopped reading"}"); Abort(); };
    }

    public LibvirtServer Server { get; }

    public ClientContext Context { get; }

    /// <summary>Whether the client came through the admin socket (and belongs to the "admin" server).</summary>
    public bool IsAdmin => _listener.Admin;

    /// <summary>The client's id within its daemon server, as admin clients see it (each server counts from 1).</summary>
    public ulong AdminId { get; set; }

    public Outbox Outbox { get; }

    public CancellationToken Closing => _closing.Token;

    private ServerOptions Options => Server.Options;

    /// <summary>
    /// Serves the client until it disconnects, breaks the protocol or <paramref name="stopping"/> fires. One async
    /// method for the whole life of the connection: each method suspended in an await holds its own state on the heap,
    /// which every idle connection would pay for.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using CancellationTokenRegistration stop = stopping.Register(static c => ((ClientConnection)c!).Abort(), this);
        try
        {
            if (_listener.Admin)
            {
                // libvirtd's admin socket serves the admin program only; the hypervisor sockets never serve it.
                _admin = new Admin.AdminService(Server, this);
            }
            else
            {
                InitHypervisorPrograms();
            }

            StartAuthenticationTimer();
            PipeReader input = _pipe.Input;
            long budget = (long)(Options.InlineBudget.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            _inline = budget > 0;
            while (!_closing.IsCancellationRequested)
            {
                if (_beforeNextRead is { } pending)
                {
                    // A security layer starts behind the reply just sent: nothing more may be read through the pipe before.
                    _beforeNextRead = null;
                    await pending.ConfigureAwait(false);
                }

                // No token: Abort cancels the pending read itself, and a token would be registered and unregistered
                // on every read that waits, which is every call of a sequential client.
                ReadResult result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("Frame read was cancelled", _closing.Token);
                }

                if (!_inline)
                {
                    // The receive may have completed on the epoll thread; this connection's calls run on the pool instead.
                    await Task.Yield();
                }

                _batchStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool keepGoing;
                Outbox.Cork();
                try
                {
                    // Every frame already received is served before the next receive, and the replies of the ones that
                    // complete at once leave together when the outbox is uncorked.
                    _servedInBatch = 0;
                    keepGoing = await ServeBufferedAsync(buffer).ConfigureAwait(false) is { } rest
                        && Consumed(input, rest, result.IsCompleted);
                }
                finally
                {
                    Outbox.Uncork(deferToPool: Pipelining());
                }

                if (!keepGoing)
                {
                    return;
                }

                if (_inline && System.Diagnostics.Stopwatch.GetTimestamp() - _batchStarted > budget && CountSlowBatch())
                {
                    _inline = false;
                    Server.Log(LogLevelName.Debug, $"client {Context.Id}: calls ran longer than the inline budget; serving it from the thread pool");
                }
            }
        }
        catch (Exception e) when (e is FrameException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            Server.Log(LogLevelName.Debug, $"client {Context.Id}: {e.Message}");
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private void InitHypervisorPrograms()
    {
        _remote = Server.Backend.CreateRemoteHandlers(Context);
        // Like libvirtd, every connection speaks all three programs; a backend without them answers "not supported"
        // (from handlers that keep no state, so all connections share them).
        _qemu = Server.Backend.CreateQemuHandlers(Context) ?? NoQemu;
        _lxc = Server.Backend.CreateLxcHandlers(Context) ?? NoLxc;
    }

    /// <summary>Calls of this client being served now.</summary>
    internal int CallsInFlight
    {
        get
        {
            lock (_slotGate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Ends the connection once the reply now being prepared has left.</summary>
    internal void CloseAfterReply() => _closeAfterReply = true;

    /// <summary>Stops serving: pending work sees <see cref="Closing"/>, queued output is dropped.</summary>
    public void Abort()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _pipe.Input.CancelPendingRead();
    }

    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    internal void ReleaseRequestSlot()
    {
        TaskCompletionSource? waiter = null;
        lock (_slotGate)
        {
            _inFlight--;
            if (_inFlight < Options.MaxClientRequests)
            {
                waiter = _slotWaiter;
                _slotWaiter = null;
            }
        }

        waiter?.TrySetResult();
    }

    /// <summary>
    /// Notes a batch over the inline budget; true once there were enough of them close together. Wall time also
    /// counts time the thread was preempted or the runtime paused it, which on a busy machine puts a quick batch over
    /// the budget now and then; a blocking handler does it every time it runs.
    /// </summary>
    private bool CountSlowBatch()
    {
        long now = Environment.TickCount64;
        if (now - _slowWindowStart > SlowBatchWindowMs)
        {
            _slowWindowStart = now;
            _slowBatches = 0;
        }

        return ++_slowBatches >= SlowBatchesToMove;
    }

    /// <summary>
    /// Whether the client has lately been sending calls back to back (several in one receive). Its replies are then
    /// written from the pool a moment later, so replies to calls that trickle in meanwhile share the write; a client
    /// that waits for each reply gets it at once, from this thread.
    /// </summary>
    private bool Pipelining()
    {
        if (ReceiveThreadWork.OnReceiveThread)
        {
            // A pipe's own receive thread writes at once: waking a pool worker for the write costs more than the
            // writes it saves, and the calls that arrive meanwhile are read by this thread right after.
            return false;
        }

        _batches++;
        if (_servedInBatch > 1)
        {
            _pipelinedUntil = _batches + PipelinedBatches;
        }

        return _batches < _pipelinedUntil;
    }

    /// <summary>Releases the parsed part of the input; false when the peer is gone.</summary>
    private static bool Consumed(PipeReader input, ReadOnlySequence<byte> rest, bool completed)
    {
        input.AdvanceTo(rest.Start, rest.End);
        if (!completed)
        {
            return true;
        }

        if (rest.Length == 0)
        {
            return false;
        }

        throw new FrameException($"Stream ended inside a frame ({rest.Length} bytes of it received)");
    }

    /// <summary>
    /// Serves the whole frames at the front of <paramref name="buffer"/>; returns what is left (a partial frame), or
    /// null when the connection must end. Completes synchronously unless it has to wait for a request slot.
    /// </summary>
    private ValueTask<ReadOnlySequence<byte>?> ServeBufferedAsync(ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (!HasRequestSlot() || _beforeNextRead is not null)
            {
                return ServeBufferedSlowAsync(buffer);
            }

            if (!ServeNext(ref buffer, out bool more))
            {
                return new((ReadOnlySequence<byte>?)null);
            }

            if (!more)
            {
                return new(buffer);
            }
        }
    }

    private async ValueTask<ReadOnlySequence<byte>?> ServeBufferedSlowAsync(ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (!HasRequestSlot() || _beforeNextRead is not null)
            {
                // Whatever was answered so far goes out before the wait.
                Outbox.Uncork();
                await WaitForRequestSlotAsync().ConfigureAwait(false);
                if (_beforeNextRead is { } pending)
                {
                    _beforeNextRead = null;
                    await pending.ConfigureAwait(false);
                }

                Outbox.Cork();

                // Time spent waiting for other calls is not this batch's running time.
                _batchStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                continue;
            }

            if (!ServeNext(ref buffer, out bool more))
            {
                return null;
            }

            if (!more)
            {
                return buffer;
            }
        }
    }

    /// <summary>Serves the next frame of <paramref name="buffer"/> if it holds a whole one; false ends the connection.</summary>
    private bool ServeNext(ref ReadOnlySequence<byte> buffer, out bool more)
    {
        more = false;
        if (_closing.IsCancellationRequested)
        {
            return false;
        }

        if (Outbox.Backlog > Options.MaxOutputBacklog)
        {
            Server.Log(LogLevelName.Warning, $"client {Context.Id}: {Outbox.Backlog} bytes of output unread, dropping it");
            return false;
        }

        if (FrameParser.TryParse(ref buffer, out Frame frame) != OperationStatus.Done)
        {
            return true;
        }

        NoteActivity();
        _servedInBatch++;
        more = true;
        return HandleFrame(frame);
    }

    private bool HasRequestSlot()
    {
        lock (_slotGate)
        {
            return _inFlight < Options.MaxClientRequests;
        }
    }

    private Task WaitForRequestSlotAsync()
    {
        lock (_slotGate)
        {
            if (_inFlight < Options.MaxClientRequests)
            {
                return Task.CompletedTask;
            }

            _slotWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _slotWaiter.Task.WaitAsync(_closing.Token);
        }
    }

    private void TakeRequestSlot()
    {
        lock (_slotGate)
        {
            _inFlight++;
        }
    }

    /// <summary>Handles one frame; false ends the connection.</summary>
    private bool HandleFrame(in Frame frame)
    {
        VirNetMessageHeader header = frame.Header;
        // Like libvirtd, only keepalive MESSAGEs of the right version are keepalive traffic; anything else with that
        // program number (a CALL, say) is looked up as an ordinary program and refused as unknown.
        if (header.Prog == (uint)KeepaliveProtocol.KeepaliveProgram && header.Type == VirNetMessageType.Message
            && header.Vers == (uint)KeepaliveProtocol.KeepaliveProtocolVersion)
        {
            return HandleKeepalive(header);
        }

        ProcedureTable? table = FindProgram(header.Prog, header.Vers, out object? handlers);
        bool isCall = header.Type is VirNetMessageType.Call or VirNetMessageType.CallWithFds;
        if (table is null)
        {
            if (isCall)
            {
                DiscardFds(frame.FdCount);
                ReplyError(header, LibvirtErrorException.Rpc($"Cannot find program {unchecked((int)header.Prog)} version {unchecked((int)header.Vers)}"));
            }

            return true;
        }

        switch (header.Type)
        {
            case VirNetMessageType.Call:
            case VirNetMessageType.CallWithFds:
                return HandleCall(frame, table, handlers!);
            case VirNetMessageType.Stream:
            case VirNetMessageType.StreamHole:
                return HandleStreamPacket(header, frame.Body);
            default:
                // Replies and messages from a client have no meaning; libvirtd drops them too.
                return true;
        }
    }

    private ProcedureTable? FindProgram(uint program, uint version, out object? handlers)
    {
        handlers = null;
        if (_admin is not null)
        {
            if (program == (uint)AdminProtocol.AdminProgram && version == (uint)AdminProtocol.AdminProtocolVersion)
            {
                handlers = _admin;
                return AdminHandlers.Table;
            }

            return null;
        }

        if (program == (uint)RemoteProtocol.RemoteProgram && _remote is not null && version == (uint)RemoteProtocol.RemoteProtocolVersion)
        {
            handlers = _remote;
            return RemoteHandlers.Table;
        }

        if (program == (uint)QemuProtocol.QemuProgram && version == (uint)QemuProtocol.QemuProtocolVersion && _qemu is not null)
        {
            handlers = _qemu;
            return QemuHandlers.Table;
        }

        if (program == (uint)LxcProtocol.LxcProgram && version == (uint)LxcProtocol.LxcProtocolVersion && _lxc is not null)
        {
            handlers = _lxc;
            return LxcHandlers.Table;
        }

        return null;
    }

    private bool HandleCall(in Frame frame, ProcedureTable table, object handlers)
    {
        VirNetMessageHeader header = frame.Header;
        SafeFileHandle[] fds = TakeFds(frame.FdCount);
        if (fds.Length != frame.FdCount)
        {
            CloseAll(fds);
            return false;
        }

        if (header.Status != VirNetMessageStatus.Ok)
        {
            CloseAll(fds);
            ReplyError(header, LibvirtErrorException.Rpc($"Unexpected message status {(uint)header.Status}"));
            return true;
        }

        if (!table.TryGet(header.Proc, out ProcedureInfo? info) || info.IsEvent)
        {
            CloseAll(fds);
            ReplyError(header, LibvirtErrorException.Rpc($"unknown procedure: {header.Proc}"));
            return true;
        }

        bool isRemote = ReferenceEquals(handlers, _remote);
        if (!Context.Authenticated && !(isRemote && IsAuthProcedure(header.Proc)))
        {
            CloseAll(fds);
            ReplyError(header, LibvirtErrorException.Rpc("authentication required"));
            return true;
        }

        var call = new ServerCall(this, header, info, fds);
        TakeRequestSlot();
        try
        {
            if (handlers is AdminHandlers admin)
            {
                // The admin program has no hypervisor connection to open and no read-only mode.
                Observe(admin.DispatchAsync(call, frame.Body));
                return true;
            }

            if (isRemote && TryHandleConnectionCall(call, frame.Body))
            {
                return true;
            }

            if (_opened && handlers is QemuHandlers && TryHandleQemuEventRegistration(call, frame.Body))
            {
                return true;
            }

            if (!_opened)
            {
                call.Fail(LibvirtErrorException.Internal("hypervisor connection not open"));
                return true;
            }

            // libvirt's order: the dispatcher's own checks, the public API's argument checks, its read-only check;
            // the access hook stands where libvirt's drivers check their ACLs, after those.
            LibvirtErrorException? refusal = (isRemote ? DispatcherChecks.Refuse(header.Proc, frame.Body) : null)
                ?? ApiArgumentChecks.Refuse(table, info, frame.Body, fds.Length);
            if (refusal is not null)
            {
                call.Fail(refusal);
                return true;
            }

            if (Context.ReadOnly && info.ReadOnly.Rule == ReadOnlyRule.Deny)
            {
                call.Fail(new LibvirtErrorException(ErrorCode.OperationDenied, call.ApiErrorDomain, info.ReadOnly.Message));
                return true;
            }

            if ((isRemote ? ApiArgumentChecks.RefuseAfterReadOnly(info, frame.Body) : null) is { } late)
            {
                call.Fail(late);
                return true;
            }

            if (Server.AccessCheck is { } check && !check(Context, info))
            {
                call.Fail(new LibvirtErrorException(ErrorCode.AccessDenied, ErrorDomain.Access, $"access denied: {call.PublicApi} is not allowed for this client"));
                return true;
            }

            ValueTask pending = handlers switch
            {
                RemoteHandlers remote => remote.DispatchAsync(call, frame.Body),
                QemuHandlers qemu => qemu.DispatchAsync(call, frame.Body),
                LxcHandlers lxc => lxc.DispatchAsync(call, frame.Body),
                _ => throw new InvalidOperationException("unknown handler type"),
            };
            Observe(pending);
        }
        catch (Exception e)
        {
            call.Fail(e);
        }

        return true;
    }

    private static bool IsAuthProcedure(int procedure) => procedure is >= (int)Procedure.AuthList and <= (int)Procedure.AuthPolkit;

    private static void Observe(ValueTask pending)
    {
        if (pending.IsCompleted)
        {
            pending.GetAwaiter().GetResult();
        }
        else
        {
            _ = ObserveAsync(pending);
        }
    }

    private static async Task ObserveAsync(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The dispatch helpers turn every failure into an error reply; nothing is left to report here.
        }
    }

    private SafeFileHandle[] TakeFds(int count)
    {
        if (count == 0)
        {
            return [];
        }

        var fds = new List<SafeFileHandle>(count);
        for (int i = 0; i < count && _fdTransport is not null && _fdTransport.TryTakeReceivedFd(out SafeFileHandle? fd); i++)
        {
            fds.Add(fd);
        }

        return [.. fds];
    }

    private void DiscardFds(int count) => CloseAll(TakeFds(count));

    private static void CloseAll(SafeFileHandle[] fds)
    {
        foreach (SafeFileHandle fd in fds)
        {
            fd.Dispose();
        }
    }

    internal void SendReply<TRet>(ServerCall call, in TRet result, SafeHandle[]? fds)
        where TRet : IXdrType<TRet>
    {
        VirNetMessageHeader header = call.Header;
        bool withFds = fds is { Length: > 0 } && _fdTransport is not null;
        header.Type = withFds ? VirNetMessageType.ReplyWithFds : VirNetMessageType.Reply;
        header.Status = VirNetMessageStatus.Ok;
        bool sent = Outbox.TrySend(header, result, withFds ? fds : default);
        if (fds is not null && !withFds)
        {
            foreach (SafeHandle fd in fds)
            {
                fd.Dispose();
            }
        }

        if (!sent)
        {
            ReplyError(call.Header, LibvirtErrorException.Rpc($"Unable to encode message payload of {call.Info.Name}"));
        }

        AfterReply(call);
    }

    internal void SendError(ServerCall call, Exception error)
    {
        ReplyError(call.Header, error);
        AfterReply(call);
    }

    private void AfterReply(ServerCall call)
    {
        StartLayerAfterReply();
        ReleaseRequestSlot();
        if (call.HasStream && call.Stream is ServerStream stream)
        {
            _ = stream.RunAsync();
        }

        if (_closeAfterReply)
        {
            _ = CloseAfterDrainAsync();
        }
        else if (call.Header.Proc == (int)Procedure.ConnectClose
            && (ReferenceEquals(call.Info, RemoteHandlers.Table.All[(int)Procedure.ConnectClose - 1])
                || ReferenceEquals(call.Info, AdminHandlers.Table.All[(int)AdminProcedure.ConnectClose - 1])))
        {
            _ = CloseAfterDrainAsync();
        }
    }

    internal void SendStreamError(in VirNetMessageHeader streamHeader, Exception error)
    {
        VirNetMessageHeader header = streamHeader;
        header.Type = VirNetMessageType.Stream;
        header.Status = VirNetMessageStatus.Error;
        Outbox.TrySend(header, ToWireError(error));
    }

    private void ReplyError(in VirNetMessageHeader request, Exception error)
    {
        VirNetMessageHeader header = request;
        header.Type = VirNetMessageType.Reply;
        header.Status = VirNetMessageStatus.Error;
        Outbox.TrySend(header, ToWireError(error));
    }

    private VirNetMessageError ToWireError(Exception error)
    {
        if (error is LibvirtErrorException libvirt)
        {
            return libvirt.ToWire();
        }

        if (error is OperationCanceledException && _closing.IsCancellationRequested)
        {
            return LibvirtErrorException.Rpc("client connection closed").ToWire();
        }

        Server.Log(LogLevelName.Error, $"client {Context.Id}: handler failed: {error}");
        return new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.None, $"internal error: {error.Message}").ToWire();
    }

    private async Task CloseAfterDrainAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Outbox.DrainAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Abort();
    }

    private async Task DisposeTransportAsync()
    {
        try
        {
            if (_pipe is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            Server.Log(LogLevelName.Debug, $"client {Context.Id}: disposing the transport: {e.Message}");
        }
    }

    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        StopKeepalive();
        Abort();
        DropSubscriptions();

        // Open streams end through Closing, which their work and waits observe.
        lock (_streamGate)
        {
            _streams?.Clear();
        }

        try
        {
            // Let what is already queued (an error reply, a CONNECT_CLOSE reply) reach the peer, briefly.
            using var drain = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await Outbox.DrainAsync(drain.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Outbox.Dispose();
        try
        {
            await _pipe.Input.CompleteAsync().ConfigureAwait(false);

            // Completing the output flushes what the pipe still buffers; toward a peer that reset the connection
            // that write fails, and the failure must not keep the client on the server's books.
            await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            Server.Log(LogLevelName.Debug, $"client {Context.Id}: closing the transport: {e.Message}");
        }
        finally
        {
            await DisposeTransportAsync().ConfigureAwait(false);
        }

        Server.OnClientClosed(this);
        try
        {
            Server.Backend.OnClientClosed(Context);
        }
        catch (Exception e)
        {
            Server.Log(LogLevelName.Error, $"client {Context.Id}: backend close hook failed: {e.Message}");
        }

    }
}
