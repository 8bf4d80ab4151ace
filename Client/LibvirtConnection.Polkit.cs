using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client;

/// <summary>Choosing the authentication type from AUTH_LIST, and polkit authentication (AUTH_POLKIT).</summary>
public sealed partial class LibvirtConnection
{
    /// <summary>
    /// Picks the authentication type as libvirt's remote driver does: the URI's <c>auth=</c> (sasl, sasl.MECH,
    /// polkit) when given, which the server must list; otherwise the first type the server lists.
    /// </summary>
    private AuthType ChooseAuthType(AuthType[] offered)
    {
        string? auth = Uri["auth"];
        if (auth is null)
        {
            return offered[0];
        }

        AuthType wanted;
        if (auth.Equals("sasl", StringComparison.OrdinalIgnoreCase) || auth.StartsWith("sasl.", StringComparison.OrdinalIgnoreCase))
        {
            wanted = AuthType.Sasl;
        }
        else if (auth.Equals("polkit", StringComparison.OrdinalIgnoreCase))
        {
            wanted = AuthType.Polkit;
        }
        else
        {
            throw new LibvirtClientException($"Unknown authentication type auth={auth} (sasl, sasl.MECHANISM or polkit)");
        }

        return offered.Contains(wanted)
            ? wanted
            : throw new LibvirtClientException($"The server does not accept the requested authentication type {auth} (it offers {string.Join(", ", offered)})");
    }

    /// <summary>
    /// AUTH_POLKIT: the daemon asks polkit whether the peer's Unix user may manage libvirt (org.libvirt.unix.manage);
    /// a refusal arrives as the daemon's error (VIR_ERR_AUTH_FAILED or similar), raised as <see cref="LibvirtException"/>.
    /// </summary>
    private async Task AuthenticatePolkitAsync(CancellationToken cancellationToken)
    {
        AuthPolkitRet result = await CallAsync<XdrVoid, AuthPolkitRet>(Procedure.AuthPolkit, default, cancellationToken).ConfigureAwait(false);
        if (result.Complete == 0)
        {
            throw new LibvirtClientException("polkit authentication did not complete");
        }
    }
}
