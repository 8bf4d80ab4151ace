using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;

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
}

/// <summary>A call whose reply body is a <typeparamref name="T"/>; the body is decoded in place, without a copy.</summary>
internal sealed class PendingCall<T> : PendingCall
    where T : IXdrType<T>
{
    // Continuations run where Deliver runs, which is never the read loop.
    private readonly TaskCompletionSource<T> _result = new();
    private T _value = default!;

    public Task<T> Task => _result.Task;

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
            _result.TrySetException(error);
        }
        else
        {
            _result.TrySetResult(_value);
        }
    }
}
