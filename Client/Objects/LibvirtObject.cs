using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client;

/// <summary>Common base of the object model: an object belongs to one connection and calls through it.</summary>
public abstract class LibvirtObject
{
    private protected LibvirtObject(LibvirtConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
    }

    /// <summary>The connection this object was obtained from.</summary>
    public LibvirtConnection Connection { get; }

    private protected ValueTask<TRet> Call<TArgs, TRet>(Procedure procedure, TArgs args, CancellationToken cancellationToken)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
        => Connection.CallAsync<TArgs, TRet>(procedure, args, cancellationToken);

    private protected async Task Call<TArgs>(Procedure procedure, TArgs args, CancellationToken cancellationToken)
        where TArgs : IXdrType<TArgs>
        => await Connection.CallAsync<TArgs, XdrVoid>(procedure, args, cancellationToken).ConfigureAwait(false);

    /// <summary>libvirt UUIDs are 16 bytes in RFC 4122 (big-endian) order.</summary>
    private protected static Guid ToGuid(byte[]? uuid) => uuid is { Length: 16 } ? new Guid(uuid, bigEndian: true) : Guid.Empty;
}
