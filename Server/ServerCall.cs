using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Connections;
using LibvirtRemote.Server.Dispatch;
using LibvirtRemote.Server.Streams;
using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;

namespace LibvirtRemote.Server;

/// <summary>One call being served: who sent it, which procedure, and the call's stream and descriptors.</summary>
public sealed class ServerCall
{
    private readonly ClientConnection _connection;
    private SafeHandle[]? _replyFds;
    private ServerStream? _stream;
    private int _completed;

    internal ServerCall(ClientConnection connection, in VirNetMessageHeader header, ProcedureInfo info, SafeFileHandle[] receivedFds)
    {
        _connection = connection;
        Header = header;
        Info = info;
        ReceivedFds = receivedFds;
    }

    /// <summary>The client that sent the call.</summary>
    public ClientContext Client => _connection.Context;

    /// <summary>The server serving it.</summary>
    public LibvirtServer Server => _connection.Server;

    /// <summary>The procedure number.</summary>
    public int Procedure => Header.Proc;

    /// <summary>The call's serial.</summary>
    public uint Serial => Header.Serial;

    /// <summary>The procedure's metadata.</summary>
    public ProcedureInfo Info { get; }

    /// <summary>The public libvirt API this procedure serves, e.g. <c>virDomainCreate</c> (used in error messages).</summary>
    public string PublicApi => Info.PublicApi ?? Dispatch.PublicApi.NameOf(Info);

    /// <summary>Signalled when the client disconnects: abandon work done only for it.</summary>
    public CancellationToken Aborted => _connection.Closing;

    /// <summary>Descriptors that came with a CALL_WITH_FDS message; the handler owns them.</summary>
    public IReadOnlyList<SafeFileHandle> ReceivedFds { get; }

    /// <summary>The stream of a procedure that opens one.</summary>
    /// <exception cref="InvalidOperationException">The procedure opens no stream.</exception>
    public ServerStream Stream
    {
        get
        {
            if (Info.Stream == StreamDirection.None)
            {
                throw new InvalidOperationException($"{Info.Name} opens no stream");
            }

            return _stream ??= _connection.OpenStream(this);
        }
    }

    internal VirNetMessageHeader Header { get; }

    /// <summary>The error domain the procedure's public API reports in.</summary>
    internal ErrorDomain ApiErrorDomain => (ErrorDomain)Info.ErrorDomain;

    /// <summary>Refuses the call on a read-only connection when its rule depends on an argument (called by generated code).</summary>
    /// <exception cref="LibvirtErrorException">The rule denies the call.</exception>
    public void CheckReadOnly(ulong argumentValue)
    {
        if (Client.ReadOnly && Info.ReadOnly.Denies(argumentValue))
        {
            throw new LibvirtErrorException(ErrorCode.OperationDenied, ApiErrorDomain, Info.ReadOnly.Message);
        }
    }

    internal bool HasStream => _stream is not null;

    /// <summary>Sends <paramref name="fds"/> with the reply (REPLY_WITH_FDS; Unix clients only). The server closes them once sent.</summary>
    public void AttachReplyFds(params SafeHandle[] fds)
    {
        ArgumentNullException.ThrowIfNull(fds);
        _replyFds = fds;
    }

    internal void Complete<TRet>(in TRet result)
        where TRet : Xdr.IXdrType<TRet>
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _connection.SendReply(this, result, _replyFds);
        }
    }

    internal void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _connection.SendError(this, error);
        }
    }
}
