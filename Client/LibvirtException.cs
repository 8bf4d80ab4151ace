using LibvirtRemote.Protocol;

namespace LibvirtRemote.Client;

/// <summary>Base of every error this client raises.</summary>
public class LibvirtClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LibvirtClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public LibvirtClientException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public LibvirtClientException()
    {
    }
}

/// <summary>
/// The server answered a call with an error. Carries libvirt's structured error: <see cref="Code"/>
/// (virErrorNumber), <see cref="Domain"/> (virErrorDomain), level, message and the extra fields.
/// </summary>
public class LibvirtException : LibvirtClientException
{
    /// <summary>Wraps an error body received from the server.</summary>
    public LibvirtException(VirNetMessageError error)
        : this(error, null)
    {
    }

    // For errors this client raises itself in libvirt's place, with what caused them.
    internal LibvirtException(VirNetMessageError error, Exception? innerException)
        : base(error.Message ?? $"libvirt error {error.Code}", innerException)
    {
        Code = (ErrorCode)error.Code;
        Domain = (ErrorDomain)error.Domain;
        Level = error.Level;
        Str1 = error.Str1;
        Str2 = error.Str2;
        Str3 = error.Str3;
        Int1 = error.Int1;
        Int2 = error.Int2;
    }

    /// <summary>Creates the exception with a message only (code and domain 0).</summary>
    public LibvirtException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public LibvirtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public LibvirtException()
    {
    }

    /// <summary>What went wrong (virErrorNumber), e.g. <see cref="ErrorCode.NoDomain"/>; numbers newer than this enum are kept as they are.</summary>
    public ErrorCode Code { get; }

    /// <summary>Which subsystem raised the error (virErrorDomain), e.g. <see cref="ErrorDomain.Rpc"/>.</summary>
    public ErrorDomain Domain { get; }

    /// <summary>1 warning, 2 error.</summary>
    public int Level { get; }

    /// <summary>First extra string of the error.</summary>
    public string? Str1 { get; }

    /// <summary>Second extra string of the error.</summary>
    public string? Str2 { get; }

    /// <summary>Third extra string of the error.</summary>
    public string? Str3 { get; }

    /// <summary>First extra number of the error.</summary>
    public int Int1 { get; }

    /// <summary>Second extra number of the error.</summary>
    public int Int2 { get; }

    /// <summary>Builds the most specific exception type for an error body.</summary>
    public static LibvirtException From(VirNetMessageError error)
        => error.Code == (int)ErrorCode.Rpc && error.Domain == (int)ErrorDomain.Rpc
           && (error.Message?.StartsWith("unknown procedure", StringComparison.Ordinal) == true
               || error.Message?.StartsWith("Cannot find program", StringComparison.Ordinal) == true)
            ? new UnknownProcedureException(error)
            : new LibvirtException(error);
}

/// <summary>
/// The server does not know the procedure (or program) that was called — typically an older libvirtd.
/// Callers can catch this to feature-detect.
/// </summary>
public sealed class UnknownProcedureException : LibvirtException
{
    /// <summary>Wraps the server's error.</summary>
    public UnknownProcedureException(VirNetMessageError error)
        : base(error)
    {
    }
}

/// <summary>The connection is gone; every pending call, stream and subscription fails with this.</summary>
public sealed class ConnectionLostException : LibvirtClientException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionLostException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The peer broke the protocol (bad frame, reply to an unknown call, undecodable body).</summary>
public sealed class LibvirtProtocolException : LibvirtClientException
{
    /// <summary>Creates the exception.</summary>
    public LibvirtProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
