using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Rpc;

/// <summary>A call waiting for its reply. Completed by the read loop while the reply's bytes are still buffered.</summary>
internal abstract class PendingCall
{
    public abstract void Complete(in Frame reply);

    public abstract void Fail(Exception error);
}

/// <summary>A call whose reply body is a <typeparamref name="T"/>; the body is decoded in place, without a copy.</summary>
internal sealed class PendingCall<T> : PendingCall
    where T : IXdrType<T>
{
    private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _result.Task;

    public override void Complete(in Frame reply)
    {
        if (reply.Header.Status == VirNetMessageStatus.Error)
        {
            _result.TrySetException(LibvirtException.From(reply.DecodeBody<VirNetMessageError>()));
            return;
        }

        if (reply.Header.Status != VirNetMessageStatus.Ok)
        {
            throw new LibvirtProtocolException($"Reply to procedure {reply.Header.Proc} has status {reply.Header.Status}");
        }

        // A malformed body throws here: the read loop then ends the connection, failing this call too.
        _result.TrySetResult(reply.DecodeBody<T>());
    }

    public override void Fail(Exception error) => _result.TrySetException(error);
}
