namespace LibvirtRemote.Transport.Tls;

/// <summary>The TLS session could not be set up; the message names the cause (certificate problem, refusal by the server).</summary>
public sealed class TlsNegotiationException : IOException
{
    /// <summary>Creates the exception.</summary>
    public TlsNegotiationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public TlsNegotiationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
