using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using System.Threading.Tasks.Sources;

namespace LibvirtRemote.Client.Rpc;

/// <summary>
/// A call waiting for its reply. The read loop decodes the reply while its bytes are still buffered, then hands the
/// outcome to <see cref="ReplyDelivery"/>, which completes the caller's task off the read loop.
/// </summary>
internal abstract class PendingCall : IThreadPoolWorkItem
{
    private int _settled;

    public abstract void Complete(in Frame reply);

    /// <summary>Completes the caller's task with the stored outcome; runs the caller's continuation inline.</summary>
    public abstract void Deliver();

    void IThreadPoolWorkItem.Execute() => Deliver();

    /// <summary>Fails the call (first outcome wins).</summary>
    public void Fail(Exception error)
    {
        if (TrySettle())
        {
            Error = error;
            ReplyDelivery.Post(this);
        }
    }

    /// <summary>The failure to deliver, when the call failed.</summary>
    protected Exception? Error { get; private set; }

    /// <summary>True for the first outcome only: a call is answered once.</summary>
    protected bool TrySettle() => Interlocked.Exchange(ref _settled, 1) == 0;

    /// <summary>Makes the object ready for another call.</summary>
    protected void ResetOutcome()
    {
        Error = null;
        _settled = 0;
    }
}

/// <summary>
/// A call whose reply body is a <typeparamref name="T"/>; the body is decoded in place, without a copy. The object is
/// the caller's value-task source and is reused once the caller has taken the outcome: a call then allocates no task,
/// no completion source and no state machine of its own. A caller blocking on the value task (sync over async) is
/// supported: <see cref="IValueTaskSource{TResult}.GetResult"/> waits for the outcome instead of failing.
/// </summary>
internal sealed class PendingCall<T> : PendingCall, IValueTaskSource<T>
    where T : IXdrType<T>
{
    [ThreadStatic]
    private static PendingCall<T>? t_spare;

    // Continuations run where Deliver runs, which is never the read loop.
    private ManualResetValueTaskSourceCore<T> _core;
    private T _value = default!;
    private int _blockingWaiter;

    /// <summary>A call object from this thread's spare, or a new one.</summary>
    public static PendingCall<T> Rent()
    {
        PendingCall<T>? spare = t_spare;
        if (spare is null)
        {
            return new PendingCall<T>();
        }

        t_spare = null;
        return spare;
    }

    /// <summary>The caller's view of the outcome; awaited once.</summary>
    public ValueTask<T> AsValueTask() => new(this, _core.Version);

    public override void Complete(in Frame reply)
    {
        if (reply.Header.Status == VirNetMessageStatus.Error)
        {
            Fail(LibvirtException.From(reply.DecodeBody<VirNetMessageError>()));
            return;
        }

        if (reply.Header.Status != VirNetMessageStatus.Ok)
        {
            throw new LibvirtProtocolException($"Reply to procedure {reply.Header.Proc} has status {reply.Header.Status}");
        }

        // A malformed body throws here: the read loop then ends the connection, failing this call too.
        T value = reply.DecodeBody<T>();
        if (TrySettle())
        {
            _value = value;
            ReplyDelivery.Post(this);
        }
    }

    public override void Deliver()
    {
        if (Error is Exception error)
        {
            _core.SetException(error);
        }
        else
        {
            _core.SetResult(_value);
        }

        // The caller may have taken the outcome and reused this object by now; a waiter woken for the wrong call
        // checks again and goes back to sleep.
        if (Volatile.Read(ref _blockingWaiter) != 0)
        {
            lock (this)
            {
                Monitor.PulseAll(this);
            }
        }
    }

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    T IValueTaskSource<T>.GetResult(short token)
    {
        if (_core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            WaitForOutcome(token);
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Recycle();
        }
    }

    private void WaitForOutcome(short token)
    {
        // A full fence on each side (here, and the completion's interlocked publish) means either Deliver sees the
        // flag and pulses, or this thread sees the outcome before it waits.
        Interlocked.Exchange(ref _blockingWaiter, 1);
        lock (this)
        {
            while (_core.GetStatus(token) == ValueTaskSourceStatus.Pending)
            {
                Monitor.Wait(this);
            }
        }
    }

    private void Recycle()
    {
        _core.Reset();
        _value = default!;
        _blockingWaiter = 0;
        ResetOutcome();
        t_spare = this;
    }
}
