using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;

namespace LibvirtRemote.Client.Rpc;

/// <summary>A call whose reply may bring file descriptors (REPLY_WITH_FDS).</summary>
internal abstract class PendingFdCall : PendingCall
{
    /// <summary>Completes the call; the call owns <paramref name="fds"/> from now on, whatever happens.</summary>
    public abstract void Complete(in Frame reply, SafeFileHandle[] fds);
}

/// <summary>A descriptor-passing call whose reply body is a <typeparamref name="T"/>; descriptors are handed over with the decoded body.</summary>
internal sealed class PendingFdCall<T> : PendingFdCall
    where T : IXdrType<T>
{
    private readonly TaskCompletionSource<(T Reply, SafeFileHandle[] Fds)> _result = new();
    private (T Reply, SafeFileHandle[] Fds) _value;

    public Task<(T Reply, SafeFileHandle[] Fds)> Task => _result.Task;

    public override void Complete(in Frame reply) => Complete(reply, []);

    public override void Complete(in Frame reply, SafeFileHandle[] fds)
    {
        bool handedOver = false;
        try
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

            T body = reply.DecodeBody<T>();
            if (TrySettle())
            {
                _value = (body, fds);
                handedOver = true;
                ReplyDelivery.Post(this);
            }
        }
        finally
        {
            if (!handedOver)
            {
                RpcConnection.CloseAll(fds);
            }
        }
    }

    public override void Deliver()
    {
        if (Error is Exception error)
        {
            _result.TrySetException(error);
        }
        else if (!_result.TrySetResult(_value))
        {
            RpcConnection.CloseAll(_value.Fds);
        }
    }
}
