using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Events;

/// <summary>
/// Routes event messages from the read loop to subscriptions by (family, callback ID), keeps one server
/// registration per (family, event ID, object filter), and turns the end of the connection into the end of every
/// subscription and a close reason. What the read loop does here never blocks: a short lock and queue writes.
/// No I/O happens under the lock.
/// </summary>
internal sealed class EventDispatcher
{
    // Events for a callback ID whose registration reply has been read but not yet processed by the registering
    // task (replies complete asynchronously), or that the server sent before its reply. Bounded, and kept only
    // while a registration of the same family is in flight.
    private const int EarlyEventLimit = 4096;

    private readonly RpcConnection _rpc;
    private readonly object _gate = new();
    private readonly Dictionary<(EventKind Kind, int CallbackId), ServerRegistration> _byCallbackId = [];
    private readonly Dictionary<(EventKind Kind, int EventId, string Filter), ServerRegistration> _byKey = [];
    private readonly Dictionary<(EventKind Kind, int EventId, string Filter), Task> _deregistering = [];
    private readonly List<(EventKind Kind, int CallbackId, int EventId, int Procedure, object Message)> _early = [];
    private readonly int[] _registering = new int[Enum.GetValues<EventKind>().Length];
    private readonly TaskCompletionSource<CloseReason> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _ended;
    private volatile bool _closingByClient;
    private long _unrouted;

    public EventDispatcher(RpcConnection rpc)
    {
        _rpc = rpc;
        _ = rpc.Completion.ContinueWith(_ => OnConnectionEnded(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task<CloseReason> Closed => _closed.Task;

    public long UnroutedEvents => Interlocked.Read(ref _unrouted);

    /// <summary>Called before this client closes the connection on purpose, so the close reason says so.</summary>
    public void OnClientClosing() => _closingByClient = true;

    /// <summary>Read-loop handler for MESSAGE frames. Throws <see cref="LibvirtProtocolException"/> to end the connection.</summary>
    public void OnMessage(Frame frame)
    {
        VirNetMessageHeader header = frame.Header;
        if (header.Prog == (uint)RemoteProtocol.RemoteProgram && header.Proc == (int)Procedure.ConnectEventConnectionClosed)
        {
            var closed = (ConnectEventConnectionClosedMsg)Decode(frame, ConnectEventConnectionClosedMsg.XdrInfo, header.Proc);
            _closed.TrySetResult((CloseReason)closed.Reason);
            return;
        }

        ProcedureTable? table = header.Prog switch
        {
            (uint)RemoteProtocol.RemoteProgram => RemoteProtocol.Procedures,
            (uint)QemuProtocol.QemuProgram => QemuProtocol.Procedures,
            _ => null,
        };
        if (table is null || !table.TryGet(header.Proc, out ProcedureInfo? procedure))
        {
            // A newer server may know events this client does not; it only sends them to whoever asked.
            Interlocked.Increment(ref _unrouted);
            return;
        }

        if (procedure.Event is not XdrTypeInfo eventType)
        {
            throw new LibvirtProtocolException($"The server sent a MESSAGE for {procedure.Name}, which is not an event");
        }

        object message = Decode(frame, eventType, header.Proc);
        if (!EventRoutes.TryGetRoute(header.Prog, header.Proc, out EventKind kind, out int eventId))
        {
            // Old-style domain events carry no callback ID; this client never registers for them.
            Interlocked.Increment(ref _unrouted);
            return;
        }

        int callbackId = new XdrReader(frame.Body).ReadInt32();
        lock (_gate)
        {
            if (_byCallbackId.TryGetValue((kind, callbackId), out ServerRegistration? registration))
            {
                if (eventId != registration.EventId)
                {
                    throw Mismatch(header.Proc, registration);
                }

                Deliver(registration, header.Proc, message);
            }
            else if (_registering[(int)kind] > 0 && _early.Count < EarlyEventLimit)
            {
                _early.Add((kind, callbackId, eventId, header.Proc, message));
            }
            else
            {
                Interlocked.Increment(ref _unrouted);
            }
        }
    }

    /// <summary>
    /// Attaches <paramref name="subscription"/> to the server registration for its key, registering with the
    /// server if there is none yet, and waits until the server has answered.
    /// </summary>
    public async Task SubscribeAsync(
        EventSubscription subscription,
        string filter,
        Func<Task<int>> register,
        Func<int, Task> deregister,
        CancellationToken cancellationToken)
    {
        ServerRegistration registration;
        Task? previous = null;
        bool created = false;
        lock (_gate)
        {
            if (_ended is Exception ended)
            {
                throw Lost(ended);
            }

            var key = (subscription.Kind, subscription.EventId, filter);
            if (!_byKey.TryGetValue(key, out registration!))
            {
                registration = new ServerRegistration(subscription.Kind, subscription.EventId, filter, deregister);
                _byKey[key] = registration;
                _registering[(int)subscription.Kind]++;
                _deregistering.TryGetValue(key, out previous);
                created = true;
            }

            registration.Subscribers.Add(subscription);
            subscription.Registration = registration;
        }

        if (created)
        {
            _ = RegisterAsync(registration, previous, register);
        }

        try
        {
            await registration.Registered.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await UnsubscribeAsync(subscription).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Detaches <paramref name="subscription"/>; when it was the last one on its server registration, the server is
    /// told (best effort) — now, or as soon as a registration still in flight is answered.
    /// </summary>
    public async Task UnsubscribeAsync(EventSubscription subscription)
    {
        ServerRegistration? registration = subscription.Registration;
        if (registration is null)
        {
            return;
        }

        Task? deregistration = null;
        lock (_gate)
        {
            if (!registration.Subscribers.Remove(subscription) || registration.Subscribers.Count > 0)
            {
                return;
            }

            if (_byKey.TryGetValue(registration.Key, out ServerRegistration? current) && current == registration)
            {
                _byKey.Remove(registration.Key);
            }

            if (registration.CallbackId < 0)
            {
                // RegisterAsync deregisters once the server has answered.
                registration.Abandoned = true;
                return;
            }

            _byCallbackId.Remove((registration.Kind, registration.CallbackId));
            if (_ended is null)
            {
                deregistration = TrackDeregistration(registration);
            }
        }

        if (deregistration is not null)
        {
            await deregistration.ConfigureAwait(false);
        }
    }

    private static object Decode(in Frame frame, XdrTypeInfo type, int procedure)
    {
        try
        {
            var reader = new XdrReader(frame.Body);
            object message = type.Decode(ref reader);
            reader.EnsureEnd();
            return message;
        }
        catch (XdrException e)
        {
            throw new LibvirtProtocolException($"Event message {procedure} does not decode as {type.XdrName}: {e.Message}", e);
        }
    }

    private static ConnectionLostException Lost(Exception failure)
        => new($"The connection ended: {failure.Message}", failure);

    private static LibvirtProtocolException Mismatch(int procedure, ServerRegistration registration)
        => new($"The server sent event procedure {procedure} to callback {registration.CallbackId}, which was registered for event {registration.EventId}");

    private static void Deliver(ServerRegistration registration, int procedure, object message)
    {
        // A subscriber whose queue overflows ends itself; its iterator then unsubscribes.
        foreach (EventSubscription subscriber in registration.Subscribers)
        {
            subscriber.TryDeliver(procedure, message);
        }
    }

    private async Task RegisterAsync(ServerRegistration registration, Task? previousDeregistration, Func<Task<int>> register)
    {
        int callbackId;
        try
        {
            // libvirtd would refuse a registration identical to one it has not yet dropped.
            if (previousDeregistration is not null)
            {
                await previousDeregistration.ConfigureAwait(false);
            }

            callbackId = await register().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _registering[(int)registration.Kind]--;
                PruneEarly(registration.Kind);
                if (_byKey.TryGetValue(registration.Key, out ServerRegistration? current) && current == registration)
                {
                    _byKey.Remove(registration.Key);
                }
            }

            registration.Fail(e);
            return;
        }

        Task? undo = null;
        lock (_gate)
        {
            _registering[(int)registration.Kind]--;
            registration.CallbackId = callbackId;
            if (registration.Abandoned)
            {
                if (_ended is null)
                {
                    undo = TrackDeregistration(registration);
                }
            }
            else if (_ended is Exception ended)
            {
                foreach (EventSubscription subscriber in registration.Subscribers)
                {
                    subscriber.Fail(Lost(ended));
                }
            }
            else
            {
                _byCallbackId[(registration.Kind, callbackId)] = registration;
                for (int i = 0; i < _early.Count; i++)
                {
                    var early = _early[i];
                    if (early.Kind != registration.Kind || early.CallbackId != callbackId)
                    {
                        continue;
                    }

                    _early.RemoveAt(i--);
                    if (early.EventId != registration.EventId)
                    {
                        // Not thrown: this is the registering task, not the read loop.
                        foreach (EventSubscription subscriber in registration.Subscribers)
                        {
                            subscriber.Fail(Mismatch(early.Procedure, registration));
                        }

                        break;
                    }

                    Deliver(registration, early.Procedure, early.Message);
                }
            }

            PruneEarly(registration.Kind);
        }

        registration.Complete(callbackId);
        if (undo is not null)
        {
            await undo.ConfigureAwait(false);
        }
    }

    /// <summary>Starts DEREGISTER and remembers it until done, so a new identical registration waits for it. Under the lock.</summary>
    private Task TrackDeregistration(ServerRegistration registration)
    {
        var key = registration.Key;
        Task previous = _deregistering.TryGetValue(key, out Task? pending) ? pending : Task.CompletedTask;
        Task? deregistration = null;
        deregistration = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            await registration.Deregister(registration.CallbackId).ConfigureAwait(false);
            lock (_gate)
            {
                if (_deregistering.TryGetValue(key, out Task? current) && current == deregistration)
                {
                    _deregistering.Remove(key);
                }
            }
        });
        _deregistering[key] = deregistration;
        return deregistration;
    }

    private void PruneEarly(EventKind kind)
    {
        if (_registering[(int)kind] == 0)
        {
            int removed = _early.RemoveAll(e => e.Kind == kind);
            Interlocked.Add(ref _unrouted, removed);
        }
    }

    private void OnConnectionEnded()
    {
        Exception failure = _rpc.Failure ?? new ConnectionLostException("The connection ended");
        lock (_gate)
        {
            _ended = failure;
            foreach (ServerRegistration registration in _byCallbackId.Values)
            {
                foreach (EventSubscription subscriber in registration.Subscribers)
                {
                    subscriber.Fail(Lost(failure));
                }
            }

            _byCallbackId.Clear();
            _early.Clear();
        }

        _closed.TrySetResult(ReasonFor(failure, _closingByClient));
    }

    /// <summary>Why a connection ended, in libvirt's terms, from what ended its read loop.</summary>
    internal static CloseReason ReasonFor(Exception failure, bool closingByClient)
        => closingByClient ? CloseReason.Client
            : failure is LibvirtProtocolException || (failure.InnerException is not null && !PeerHungUp(failure)) ? CloseReason.Error
            : CloseReason.Eof;

    // A peer that dies with our bytes unread resets the socket instead of ending it; libvirt sees the hang-up
    // (POLLHUP) either way and reports end of file, not an error.
    private static bool PeerHungUp(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted or System.Net.Sockets.SocketError.Shutdown })
            {
                return true;
            }
        }

        return false;
    }
}
