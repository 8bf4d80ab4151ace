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
    private static readonly string[] PreferredSaslMechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"];

    private async Task AuthenticateSaslAsync(LibvirtConnectionOptions options, CancellationToken cancellationToken)
    {
        string? wanted = SaslMechanismFromUri(Uri);
        AuthSaslInitRet init = await CallAsync<XdrVoid, AuthSaslInitRet>(Procedure.AuthSaslInit, default, cancellationToken).ConfigureAwait(false);
        string[] offered = init.Mechlist.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        string mechanismName = ChooseSaslMechanism(offered, wanted);

        // Mechanisms without a security layer would expose the session (and for PLAIN the password) on plain TCP;
        // libvirt's client refuses them there too, and libvirtd does not offer them.
        if (Uri.EffectiveTransport == "tcp")
        {
            throw new LibvirtClientException($"SASL mechanism {mechanismName} has no security layer, which plain TCP requires; use TLS or a Unix socket");
        }

        NetworkCredential credential = await GetSaslCredentialsAsync(options, mechanismName, cancellationToken).ConfigureAwait(false);
        ISaslClientMechanism mechanism = mechanismName switch
        {
            "SCRAM-SHA-256" => new ScramMechanism(HashAlgorithmName.SHA256, credential.UserName, credential.Password),
            "SCRAM-SHA-1" => new ScramMechanism(HashAlgorithmName.SHA1, credential.UserName, credential.Password),
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

    private static string ChooseSaslMechanism(string[] offered, string? wanted)
    {
        string list = offered.Length == 0 ? "none" : string.Join(", ", offered);
        if (wanted is not null)
        {
            if (!offered.Contains(wanted, StringComparer.Ordinal))
            {
                throw new LibvirtClientException($"SASL mechanism {wanted} is not offered by the server (offered: {list})");
            }

            if (!PreferredSaslMechanisms.Contains(wanted, StringComparer.Ordinal))
            {
                throw new LibvirtClientException($"SASL mechanism {wanted} is not supported by this client (supported: {string.Join(", ", PreferredSaslMechanisms)})");
            }

            return wanted;
        }

        return PreferredSaslMechanisms.FirstOrDefault(m => offered.Contains(m, StringComparer.Ordinal))
            ?? throw new LibvirtClientException($"No SASL mechanism offered by the server is supported by this client (offered: {list}; supported: {string.Join(", ", PreferredSaslMechanisms)})");
    }

    private async Task<NetworkCredential> GetSaslCredentialsAsync(LibvirtConnectionOptions options, string mechanism, CancellationToken cancellationToken)
    {
        string? user = options.Credentials?.UserName;
        string? password = options.Credentials?.Password;
        if (user is null || password is null)
        {
            string? path = Environment.GetEnvironmentVariable("LIBVIRT_AUTH_FILE") ?? Uri["authfile"] ?? DefaultAuthFile();
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

    private static string? DefaultAuthFile()
    {
        string home = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        string user = Path.Combine(home, "libvirt", "auth.conf");
        if (File.Exists(user))
        {
            return user;
        }

        return File.Exists("/etc/libvirt/auth.conf") ? "/etc/libvirt/auth.conf" : null;
    }
}
