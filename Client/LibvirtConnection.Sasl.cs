using System.Net;
using System.Security.Cryptography;
using LibvirtRemote.Client.Auth;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client;

/// <summary>SASL authentication during the handshake (AUTH_SASL_INIT, _START, _STEP).</summary>
public sealed partial class LibvirtConnection
{
    // Strongest first; PLAIN last because it reveals the password to the server.
    private static readonly string[] PreferredSaslMechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-1", "DIGEST-MD5", "PLAIN"];

    // On plain TCP only a mechanism with a security layer will do (libvirtd insists on SSF >= 56 there).
    private static readonly string[] PlainTcpSaslMechanisms = ["DIGEST-MD5"];

    // libvirt's client asks Cyrus SASL for 56..100000 bits on insecure channels.
    private const int PlainTcpMinSsf = 56;
    private const int PlainTcpMaxSsf = 100000;

    private async Task AuthenticateSaslAsync(LibvirtConnectionOptions options, CancellationToken cancellationToken)
    {
        string? wanted = SaslMechanismFromUri(Uri);
        AuthSaslInitRet init = await CallAsync<XdrVoid, AuthSaslInitRet>(Procedure.AuthSaslInit, default, cancellationToken).ConfigureAwait(false);
        string[] offered = init.Mechlist.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        bool plainTcp = Uri.EffectiveTransport == "tcp";

        // Mechanisms without a security layer would expose the session (and for PLAIN the password) on plain TCP;
        // libvirt's client refuses them there too, and libvirtd does not offer them.
        if (plainTcp && wanted is not null && !PlainTcpSaslMechanisms.Contains(wanted, StringComparer.Ordinal))
        {
            throw new LibvirtClientException($"SASL mechanism {wanted} has no security layer, which plain TCP requires; use DIGEST-MD5, or TLS or a Unix socket");
        }

        string mechanismName = ChooseSaslMechanism(offered, wanted, plainTcp ? PlainTcpSaslMechanisms : PreferredSaslMechanisms);
        NetworkCredential credential = await GetSaslCredentialsAsync(options, mechanismName, cancellationToken).ConfigureAwait(false);
        ISaslClientMechanism mechanism = mechanismName switch
        {
            "SCRAM-SHA-256" => new ScramMechanism(HashAlgorithmName.SHA256, credential.UserName, credential.Password),
            "SCRAM-SHA-1" => new ScramMechanism(HashAlgorithmName.SHA1, credential.UserName, credential.Password),
            "DIGEST-MD5" => new DigestMd5Mechanism(credential.UserName, credential.Password, "libvirt", Uri.Host ?? "localhost")
            {
                // Over TLS or Unix the channel is already secure, so (like libvirt) no layer is asked for there.
                MinSsf = plainTcp ? PlainTcpMinSsf : 0,
                MaxSsf = plainTcp ? PlainTcpMaxSsf : 0,
                PreferredCipher = options.SaslCipher,
            },
            _ => new PlainMechanism(credential.UserName, credential.Password),
        };

        try
        {
            await RunSaslExchangeAsync(mechanism, cancellationToken).ConfigureAwait(false);
        }
        catch (SaslException e)
        {
            throw new LibvirtClientException($"SASL authentication with {mechanism.Name} failed: {e.Message}", e);
        }

        if (mechanism.SecurityLayer is { } layer)
        {
            // The reply that completed the exchange has been read and nothing else is in flight: from here on
            // every byte in both directions goes through the layer.
            if (_securityLayerPipe is null)
            {
                throw new LibvirtClientException($"SASL {mechanism.Name} negotiated a security layer but the transport cannot apply one (open it over a SaslSecurityLayerPipe)");
            }

            _securityLayerPipe.Activate(layer);
        }
        else if (plainTcp)
        {
            throw new LibvirtClientException($"SASL {mechanism.Name} negotiated no security layer, which plain TCP requires");
        }
    }

    private async Task RunSaslExchangeAsync(ISaslClientMechanism mechanism, CancellationToken cancellationToken)
    {
        byte[]? initial = mechanism.InitialResponse();
        AuthSaslStartRet start = await CallAsync<AuthSaslStartArgs, AuthSaslStartRet>(
            Procedure.AuthSaslStart,
            new AuthSaslStartArgs { Mech = mechanism.Name, Nil = initial is null ? 1 : 0, Data = initial ?? [] },
            cancellationToken).ConfigureAwait(false);
        bool complete = start.Complete != 0;
        byte[] data = start.Data ?? [];
        const int MaxSteps = 16;
        for (int step = 0; ; step++)
        {
            if (complete)
            {
                // The server's last message (SCRAM's signature) still has to be checked before we trust it.
                if (!mechanism.IsComplete && data.Length > 0)
                {
                    mechanism.EvaluateChallenge(data);
                }

                if (!mechanism.IsComplete)
                {
                    throw new SaslException("the server reported success before the client could verify it");
                }

                return;
            }

            if (step == MaxSteps)
            {
                throw new SaslException($"no result after {MaxSteps} steps");
            }

            byte[] response = mechanism.EvaluateChallenge(data);
            AuthSaslStepRet reply = await CallAsync<AuthSaslStepArgs, AuthSaslStepRet>(
                Procedure.AuthSaslStep,
                new AuthSaslStepArgs { Nil = 0, Data = response },
                cancellationToken).ConfigureAwait(false);
            complete = reply.Complete != 0;
            data = reply.Data ?? [];
        }
    }

    private static string? SaslMechanismFromUri(LibvirtUri uri)
    {
        string? auth = uri["auth"];
        if (auth is null || auth.Equals("sasl", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (auth.StartsWith("sasl.", StringComparison.OrdinalIgnoreCase) && auth.Length > 5)
        {
            return auth[5..];
        }

        throw new LibvirtClientException($"The server requires SASL authentication but the URI asks for auth={auth}");
    }

    private static string ChooseSaslMechanism(string[] offered, string? wanted, string[] supported)
    {
        string list = offered.Length == 0 ? "none" : string.Join(", ", offered);
        if (wanted is not null)
        {
            if (!offered.Contains(wanted, StringComparer.Ordinal))
            {
                throw new LibvirtClientException($"SASL mechanism {wanted} is not offered by the server (offered: {list})");
            }

            if (!supported.Contains(wanted, StringComparer.Ordinal))
            {
                throw new LibvirtClientException($"SASL mechanism {wanted} is not supported by this client (supported: {string.Join(", ", supported)})");
            }

            return wanted;
        }

        string? chosen = supported.FirstOrDefault(m => offered.Contains(m, StringComparer.Ordinal));
        if (chosen is null && supported == PlainTcpSaslMechanisms)
        {
            throw new LibvirtClientException($"No SASL mechanism with a security layer, which plain TCP requires, is offered by the server (offered: {list}; usable on plain TCP: {string.Join(", ", supported)})");
        }

        return chosen
            ?? throw new LibvirtClientException($"No SASL mechanism offered by the server is supported by this client (offered: {list}; supported: {string.Join(", ", supported)})");
    }

    private async Task<NetworkCredential> GetSaslCredentialsAsync(LibvirtConnectionOptions options, string mechanism, CancellationToken cancellationToken)
    {
        string? user = options.Credentials?.UserName;
        string? password = options.Credentials?.Password;
        if (user is null || password is null)
        {
            string? path = LibvirtAuthConfig.Locate(Uri);
            if (path is not null)
            {
                LibvirtAuthConfig config;
                try
                {
                    config = await LibvirtAuthConfig.LoadAsync(path, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    throw new LibvirtClientException($"Cannot read the auth file {path}: {e.Message}", e);
                }

                try
                {
                    user ??= config.Lookup("libvirt", Uri.Host, "username");
                    password ??= config.Lookup("libvirt", Uri.Host, "password");
                }
                catch (FormatException e)
                {
                    throw new LibvirtClientException(e.Message, e);
                }
            }
        }

        if ((user is null || password is null) && options.CredentialCallback is { } callback)
        {
            NetworkCredential? answer = await callback(new SaslCredentialRequest(Uri, mechanism, user ?? Uri.User), cancellationToken).ConfigureAwait(false);
            user ??= answer?.UserName;
            password ??= answer?.Password;
        }

        user ??= Uri.User;
        if (string.IsNullOrEmpty(user) || password is null)
        {
            throw new LibvirtClientException($"SASL authentication ({mechanism}) needs a user name and password: set LibvirtConnectionOptions.Credentials or CredentialCallback, or use an auth file");
        }

        return new NetworkCredential(user, password);
    }
}
