using System.Buffers;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.Dispatch;
using LibvirtRemote.Server.Tls;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;

namespace LibvirtRemote.Server.Connections;

/// <summary>
/// SASL authentication (AUTH_SASL_INIT / START / STEP) as libvirtd runs it: mechanisms fit for the channel, the
/// security layer demanded on plain TCP and switched on right after the completing reply, the user-name allow list,
/// and one generic "authentication failed" for every failure (the reason goes to the log only).
/// </summary>
internal sealed partial class ClientConnection
{
    private ISaslServerMechanism? _sasl;
    private bool _saslInitialised;
    private Task? _beforeNextRead;
    private (SaslSecurityLayerPipe Pipe, ISaslSecurityLayer Layer)? _layerAfterReply;

    private bool ChannelIsSecure => Context.Transport is not ServerTransport.Tcp;

    private void HandleSasl(ServerCall call, ReadOnlySequence<byte> body)
    {
        switch ((Procedure)call.Procedure)
        {
            case Procedure.AuthSaslInit:
                Observe(HandlerDispatch.Run<ClientConnection, Xdr.XdrVoid, AuthSaslInitRet>(this, call, body, static (c, _, _) => new(c.SaslInit())));
                break;
            case Procedure.AuthSaslStart:
                Observe(HandlerDispatch.Run<ClientConnection, AuthSaslStartArgs, AuthSaslStartRet>(this, call, body, static (c, _, a) =>
                {
                    AuthSaslStepRet step = c.SaslStart(a);
                    return new(new AuthSaslStartRet { Complete = step.Complete, Nil = step.Nil, Data = step.Data });
                }));
                break;
            default:
                Observe(HandlerDispatch.Run<ClientConnection, AuthSaslStepArgs, AuthSaslStepRet>(this, call, body, static (c, _, a) => new(c.SaslStep(a.Nil != 0 ? null : a.Data ?? []))));
                break;
        }
    }

    private AuthSaslInitRet SaslInit()
    {
        if (_listener.Auth != ServerAuth.Sasl || Server.Sasl is null || Context.Authenticated)
        {
            throw SaslFailure("client tried an invalid SASL init request");
        }

        _saslInitialised = true;
        _sasl = null;
        return new AuthSaslInitRet { Mechlist = string.Join(',', OfferedMechanisms()) };
    }

    private AuthSaslStepRet SaslStart(AuthSaslStartArgs args)
    {
        if (!_saslInitialised || _sasl is not null || Server.Sasl is not { } options)
        {
            throw SaslFailure("client tried an invalid SASL start request");
        }

        if (!OfferedMechanisms().Contains(args.Mech, StringComparer.Ordinal))
        {
            throw SaslFailure($"client asked for mechanism '{args.Mech}', which is not offered");
        }

        int minSsf = ChannelIsSecure ? 0 : Math.Max(56, options.TcpMinSsf);
        _sasl = SaslServerMechanisms.Create(args.Mech, options.Users, minSsf) ?? throw SaslFailure($"mechanism '{args.Mech}' cannot be served");
        return SaslStep(args.Nil != 0 ? null : args.Data ?? []);
    }

    private AuthSaslStepRet SaslStep(byte[]? data)
    {
        if (_sasl is not { } mechanism || Server.Sasl is not { } options)
        {
            throw SaslFailure("client tried an invalid SASL step request");
        }

        SaslServerStep step;
        try
        {
            step = mechanism.Step(data);
        }
        catch (SaslException e)
        {
            step = new SaslServerStep(SaslStepOutcome.Failure, null, e.Message);
        }

        switch (step.Outcome)
        {
            case SaslStepOutcome.Continue:
                return Reply(step.Data, complete: false);
            case SaslStepOutcome.Failure:
                throw SaslFailure(step.FailureReason ?? "the mechanism refused the client");
        }

        ISaslSecurityLayer? layer = mechanism.SecurityLayer;
        if (!ChannelIsSecure && (layer is null || layer.Ssf < Math.Max(56, options.TcpMinSsf)))
        {
            throw SaslFailure($"negotiated SSF {layer?.Ssf ?? 0} was not strong enough");
        }

        string user = mechanism.AuthenticatedUser ?? string.Empty;
        if (options.AllowedUserNames is { } allowed && !allowed.Any(pattern => Glob.IsMatch(pattern, user)))
        {
            throw SaslFailure($"SASL user '{user}' is not on the list of allowed clients");
        }

        Context.SaslUserName = user;
        _sasl = null;
        _saslInitialised = false;
        if (layer is not null && !ChannelIsSecure)
        {
            if (_pipe is not SaslSecurityLayerPipe layered)
            {
                throw SaslFailure("the transport cannot apply a security layer");
            }

            // The completing reply goes out in the clear; everything after it is protected in both directions.
            // Activation starts once that reply is queued (see AfterReply) and completes before the next read.
            layered.ActivateInput(layer);
            _layerAfterReply = (layered, layer);
        }

        SetAuthenticated();
        return Reply(step.Data, complete: true);
    }

    /// <summary>Called once a reply is queued: switches the security layer on behind the reply that completed SASL.</summary>
    private void StartLayerAfterReply()
    {
        if (_layerAfterReply is { } pending)
        {
            _layerAfterReply = null;
            _beforeNextRead = ActivateAfterDrainAsync(pending.Pipe, pending.Layer);
        }
    }

    private async Task ActivateAfterDrainAsync(SaslSecurityLayerPipe pipe, ISaslSecurityLayer layer)
    {
        await Outbox.DrainAsync(_closing.Token).ConfigureAwait(false);
        pipe.Activate(layer);
    }

    private IEnumerable<string> OfferedMechanisms()
    {
        IReadOnlyList<string> fit = SaslServerMechanisms.Offered(ChannelIsSecure);
        return Server.Sasl?.Mechanisms is { } configured ? configured.Where(m => fit.Contains(m, StringComparer.Ordinal)) : fit;
    }

    private static AuthSaslStepRet Reply(byte[]? data, bool complete)
        => new() { Complete = complete ? 1 : 0, Nil = data is null ? 1 : 0, Data = data ?? [] };

    private LibvirtErrorException SaslFailure(string reason)
    {
        _sasl = null;
        _saslInitialised = false;
        Server.Log(LogLevelName.Warning, $"client {Context.Id}: SASL authentication failed: {reason}");
        return new LibvirtErrorException(ErrorCode.AuthFailed, ErrorDomain.Rpc, "authentication failed: authentication failed");
    }
}
