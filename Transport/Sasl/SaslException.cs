namespace LibvirtRemote.Transport.Sasl;

/// <summary>A SASL exchange failed on the client side (bad server message, server not authenticated, …).</summary>
public sealed class SaslException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SaslException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public SaslException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SaslException()
    {
    }
}
