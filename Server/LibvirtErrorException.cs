using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server;

/// <summary>
/// A libvirt error raised by a handler: the server sends it to the client as an error reply carrying the same code,
/// domain and message, which the client library turns into its own typed error.
/// </summary>
public sealed class LibvirtErrorException : Exception
{
    /// <summary>Creates an error with libvirt's code, domain and the already formatted message.</summary>
    public LibvirtErrorException(ErrorCode code, ErrorDomain domain, string message)
        : base(message)
    {
        Code = code;
        Domain = domain;
    }

    /// <summary>Creates an error that wraps the exception that caused it.</summary>
    public LibvirtErrorException(ErrorCode code, ErrorDomain domain, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
        Domain = domain;
    }

    /// <summary>What went wrong (<c>virErrorNumber</c>).</summary>
    public ErrorCode Code { get; }

    /// <summary>Which part of libvirt reports it (<c>virErrorDomain</c>).</summary>
    public ErrorDomain Domain { get; }

    /// <summary>Error level: 2 (error) unless set to 1 (warning).</summary>
    public int Level { get; init; } = 2;

    /// <summary>Extra string field 1 of libvirt's error (often the object name).</summary>
    public string? Str1 { get; init; }

    /// <summary>Extra string field 2.</summary>
    public string? Str2 { get; init; }

    /// <summary>Extra string field 3.</summary>
    public string? Str3 { get; init; }

    /// <summary>Extra integer field 1.</summary>
    public int Int1 { get; init; }

    /// <summary>Extra integer field 2.</summary>
    public int Int2 { get; init; }

    /// <summary>An RPC-level error (<c>VIR_ERR_RPC</c>, <c>VIR_FROM_RPC</c>), as libvirtd's dispatcher raises them.</summary>
    public static LibvirtErrorException Rpc(string message) => new(ErrorCode.Rpc, ErrorDomain.Rpc, message);

    /// <summary>An internal error reported from libvirtd's own dispatch code (<c>VIR_FROM_RPC</c>).</summary>
    public static LibvirtErrorException Internal(string message) => new(ErrorCode.InternalError, ErrorDomain.Rpc, "internal error: " + message);

    /// <summary>libvirt's answer when a driver lacks <paramref name="publicApi"/>, e.g. <c>virDomainGetGuestInfo</c>.</summary>
    public static LibvirtErrorException NoSupport(string publicApi, ErrorDomain domain)
        => new(ErrorCode.NoSupport, domain, $"this function is not supported by the connection driver: {publicApi}");


    /// <summary>An invalid argument (<c>VIR_ERR_INVALID_ARG</c>), with the message libvirt prints for it.</summary>
    public static LibvirtErrorException InvalidArgument(ErrorDomain domain, string detail)
        => new(ErrorCode.InvalidArg, domain, $"invalid argument: {detail}");

    /// <summary>Converts the error to its wire form.</summary>
    public VirNetMessageError ToWire() => new()
    {
        Code = (int)Code,
        Domain = (int)Domain,
        Message = Message,
        Level = Level,
        Str1 = Str1,
        Str2 = Str2,
        Str3 = Str3,
        Int1 = Int1,
        Int2 = Int2,
    };
}
