namespace LibvirtRemote.Transport.Tls;

/// <summary>How a TLS client connection authenticates itself and checks the server.</summary>
public sealed class TlsClientOptions
{
    /// <summary>Name or address the server's certificate must be issued for (the URI's host).</summary>
    public required string ServerName { get; init; }

    /// <summary>The CA, certificate and key files.</summary>
    public required TlsPkiFiles Files { get; init; }

    /// <summary>Skip every check of the server's certificate (the URI's <c>no_verify=1</c>).</summary>
    public bool NoVerify { get; init; }

    /// <summary>
    /// Accept a server certificate whose extended key usage lacks serverAuth when that extension is not critical, as
    /// libvirt does (it only logs a warning). Default false: such a certificate is refused.
    /// </summary>
    public bool LenientExtendedKeyUsage { get; init; }

    /// <summary>GnuTLS priority string (the URI's <c>tls_priority</c>); see <see cref="TlsPriority"/>.</summary>
    public string? Priority { get; init; }

    /// <summary>How long to wait for the server's one-byte confirmation after the handshake.</summary>
    public TimeSpan ConfirmationTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
