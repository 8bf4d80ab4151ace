using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.Dispatch;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Connections;

/// <summary>The remote program's procedures that belong to the connection rather than to the backend.</summary>
internal sealed partial class ClientConnection
{
    private const int FeatureFdPassing = 8;
    private const int FeatureProgramKeepalive = 10;
    private const int FeatureRemoteEventCallback = 14;
    private const int FeatureRemoteCloseCallback = 15;
    private const uint ConnectReadOnlyFlag = 1;

    private volatile bool _opened;
    private volatile bool _closeCallbackRegistered;

    /// <summary>Whether the client registered for connection-closed events (CONNECT_REGISTER_CLOSE_CALLBACK).</summary>
    internal bool CloseCallbackRegistered => _closeCallbackRegistered;

    /// <summary>Serves the procedure here when it is the connection's; false hands it to the backend.</summary>
    private bool TryHandleConnectionCall(ServerCall call, ReadOnlySequence<byte> body)
    {
        switch ((Procedure)call.Procedure)
        {
            case Procedure.ConnectOpen:
                Observe(HandlerDispatch.Run<ClientConnection, ConnectOpenArgs>(this, call, body, static (c, call, a) => c.OpenAsync(call, a)));
                return true;
            case Procedure.ConnectClose:
                Observe(HandlerDispatch.Run<ClientConnection, XdrVoid>(this, call, body, static (c, _, _) => c.CloseHypervisor()));
                return true;
            case Procedure.AuthList:
                Observe(HandlerDispatch.Run<ClientConnection, XdrVoid, AuthListRet>(this, call, body, static (c, _, _) => new(c.AuthList())));
                return true;
            case Procedure.AuthPolkit:
                Observe(HandlerDispatch.Run<ClientConnection, XdrVoid, AuthPolkitRet>(this, call, body, static (c, _, _) => c.Polkit()));
                return true;
            case Procedure.AuthSaslInit:
            case Procedure.AuthSaslStart:
            case Procedure.AuthSaslStep:
                HandleSasl(call, body);
                return true;
            case Procedure.ConnectSupportsFeature:
                return TryHandleFeature(call, body);
        }

        if (!_opened)
        {
            return false;
        }

        switch ((Procedure)call.Procedure)
        {
            case Procedure.ConnectRegisterCloseCallback:
                _closeCallbackRegistered = true;
                Observe(HandlerDispatch.Run<ClientConnection, XdrVoid>(this, call, body, static (_, _, _) => default));
                return true;
            case Procedure.ConnectUnregisterCloseCallback:
                _closeCallbackRegistered = false;
                Observe(HandlerDispatch.Run<ClientConnection, XdrVoid>(this, call, body, static (_, _, _) => default));
                return true;
            default:
                return TryHandleIdentityCall(call, body) || TryHandleEventRegistration(call, body);
        }
    }

    private async ValueTask OpenAsync(ServerCall call, ConnectOpenArgs args)
    {
        if (_opened)
        {
            // libvirtd drops the hypervisor connection it had when a second open arrives.
            _opened = false;
            Server.Backend.OnHypervisorClosed(Context);
            throw LibvirtErrorException.Internal("connection already open");
        }

        if ((args.Flags & ConnectReadOnlyFlag) != 0)
        {
            Context.ReadOnly = true;
        }

        await _remote!.ConnectOpenAsync(call, args).ConfigureAwait(false);
        Context.OpenedUri = args.Name;
        _opened = true;
    }

    // Before the reply, so a client that connects once this one has its answer finds the backend already released.
    private ValueTask CloseHypervisor()
    {
        if (_opened)
        {
            Server.Backend.OnHypervisorClosed(Context);
        }

        return default;
    }

    private AuthListRet AuthList()
    {
        AuthType type = Context.Authenticated ? AuthType.None : _listener.Auth switch
        {
            ServerAuth.Sasl => AuthType.Sasl,
            ServerAuth.Polkit => AuthType.Polkit,
            _ => AuthType.None,
        };
        if (type == AuthType.Polkit && Context.UnixUserId == 0)
        {
            // Root skips the policy check, as with libvirtd.
            SetAuthenticated();
            type = AuthType.None;
        }

        return new AuthListRet { Types = [type] };
    }

    private ValueTask<AuthPolkitRet> Polkit()
    {
        if (_listener.Auth != ServerAuth.Polkit)
        {
            // libvirtd's answer on a listener without polkit: its failure path sets no error, so the generic one goes out.
            return ValueTask.FromException<AuthPolkitRet>(new LibvirtErrorException(ErrorCode.InternalError, ErrorDomain.Rpc, "Library function returned error but did not set virError"));
        }

        if (Context.UnixUserId is not int uid)
        {
            return ValueTask.FromException<AuthPolkitRet>(new LibvirtErrorException(ErrorCode.AuthFailed, ErrorDomain.Rpc, "authentication failed"));
        }

        if (!Server.PolkitRule(Context))
        {
            Server.Log(LogLevelName.Warning, $"client {Context.Id}: policy denied uid {uid}");
            return ValueTask.FromException<AuthPolkitRet>(new LibvirtErrorException(ErrorCode.AuthFailed, ErrorDomain.Rpc, "authentication failed: access denied by policy"));
        }

        SetAuthenticated();
        return new(new AuthPolkitRet { Complete = 1 });
    }

    private bool TryHandleFeature(ServerCall call, ReadOnlySequence<byte> body)
    {
        var reader = new XdrReader(body);
        int feature;
        try
        {
            feature = reader.ReadInt32();
        }
        catch (XdrException)
        {
            call.Fail(LibvirtErrorException.Rpc("Unable to decode message payload"));
            return true;
        }

        if (feature == FeatureProgramKeepalive)
        {
            StartKeepalive();
            call.Complete(new ConnectSupportsFeatureRet { Supported = 1 });
            return true;
        }

        if (!_opened)
        {
            call.Fail(LibvirtErrorException.Internal("hypervisor connection not open"));
            return true;
        }

        if (feature is FeatureFdPassing or FeatureRemoteEventCallback or FeatureRemoteCloseCallback)
        {
            call.Complete(new ConnectSupportsFeatureRet { Supported = 1 });
            return true;
        }

        return false;
    }

    private void SetAuthenticated()
    {
        if (!Context.Authenticated)
        {
            Context.Authenticated = true;
            Server.OnClientAuthenticated(this);
        }
    }
}
