using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace LibvirtRemote.Server;

/// <summary>How a client reached the server.</summary>
public enum ServerTransport
{
    /// <summary>A Unix-domain socket (peer credentials known).</summary>
    Unix,

    /// <summary>Plain TCP.</summary>
    Tcp,

    /// <summary>TLS over TCP.</summary>
    Tls,

    /// <summary>An in-memory or embedder-provided duplex pipe.</summary>
    Pipe,
}

/// <summary>Who a client is and what it may do: visible to handlers (<see cref="ServerCall.Client"/>) and to the access hook.</summary>
public sealed class ClientContext
{
    private static long _nextId;

    internal ClientContext(ServerTransport transport, bool readOnly)
    {
        Id = Interlocked.Increment(ref _nextId);
        Transport = transport;
        ReadOnly = readOnly;
    }

    /// <summary>A number unique to this client within the process.</summary>
    public long Id { get; }

    /// <summary>When the client connected.</summary>
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>How the client connected.</summary>
    public ServerTransport Transport { get; }

    /// <summary>
    /// Whether the client is limited to read-only APIs: it came through a read-only socket or opened the connection
    /// with the read-only flag.
    /// </summary>
    public bool ReadOnly { get; internal set; }

    /// <summary>The peer's address for TCP and TLS clients.</summary>
    public EndPoint? RemoteEndPoint { get; internal init; }

    /// <summary>Peer user id of a Unix-socket client (SO_PEERCRED).</summary>
    public int? UnixUserId { get; internal init; }

    /// <summary>Peer group id of a Unix-socket client.</summary>
    public int? UnixGroupId { get; internal init; }

    /// <summary>Peer process id of a Unix-socket client.</summary>
    public int? UnixProcessId { get; internal init; }

    /// <summary>The client certificate a TLS client presented (already verified).</summary>
    public X509Certificate2? ClientCertificate { get; internal init; }

    /// <summary>The client certificate's subject in libvirt's order, e.g. <c>C=GB,O=Example,CN=client1</c>.</summary>
    public string? TlsSubject { get; internal init; }

    /// <summary>The user name a SASL exchange authenticated.</summary>
    public string? SaslUserName { get; internal set; }

    /// <summary>Whether the client has passed the authentication its listener demands.</summary>
    public bool Authenticated { get; internal set; }

    /// <summary>The URI the client passed to CONNECT_OPEN (null before it opened, or when it asked for the default).</summary>
    public string? OpenedUri { get; internal set; }

    /// <summary>Somewhere for the backend to keep per-client state.</summary>
    public object? BackendState { get; set; }
}
