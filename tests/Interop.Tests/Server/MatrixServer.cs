using System.Collections.Concurrent;
using System.Net;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Server;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.TestHypervisor;
using LibvirtRemote.Transport.Sasl.Server;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// One of our servers with a fresh test hypervisor, listening on every transport of the matrix: Unix read-write and
/// read-only, TCP, TLS, TLS with SASL, TCP with SASL, and the read-write socket again through a private sshd.
/// A fresh one per case, so no client of an earlier case (one still closing, say) shares the hypervisor with the
/// reference run.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MatrixServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _clients = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("lr-matrix-server-").FullName;
    private readonly Dictionary<string, MatrixTransport> _transports;

    public MatrixServer(TlsServerOptions tls, string pkiPath, string authFile, PrivateSshd sshd)
    {
        var users = new SaslUserDatabase();
        users.AddUser(TransportMatrixFixture.User, TransportMatrixFixture.Password);
        Server = new LibvirtServer(new TestBackend())
        {
            Sasl = new SaslServerOptions { Users = users },

            // Never refuses: it records how each client reached the server, so a case can prove its clients were ours.
            AccessCheck = (client, _) =>
            {
                _clients.Enqueue(Describe(client.Transport, client.ReadOnly, client.SaslUserName, client.TlsSubject is not null));
                return true;
            },
        };
        string socket = Path.Combine(_dir, "libvirt-sock");
        string readOnlySocket = Path.Combine(_dir, "libvirt-sock-ro");
        int tcp = PrivateLibvirtd.FreeTcpPort(), tlsPort = PrivateLibvirtd.FreeTcpPort(), tlsSasl = PrivateLibvirtd.FreeTcpPort(), tcpSasl = PrivateLibvirtd.FreeTcpPort();
        Server.ListenUnix(socket, new ListenerOptions(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Server.ListenUnix(readOnlySocket, new ListenerOptions { ReadOnly = true });
        Server.ListenTcp(new IPEndPoint(IPAddress.Loopback, tcp), new ListenerOptions());
        Server.ListenTls(new IPEndPoint(IPAddress.Loopback, tlsPort), new ListenerOptions(), tls);
        Server.ListenTls(new IPEndPoint(IPAddress.Loopback, tlsSasl), new ListenerOptions { Auth = ServerAuth.Sasl }, tls);
        Server.ListenTcp(new IPEndPoint(IPAddress.Loopback, tcpSasl), new ListenerOptions { Auth = ServerAuth.Sasl });

        string user = TransportMatrixFixture.User;
        var sasl = new Dictionary<string, string> { ["LIBVIRT_AUTH_FILE"] = authFile };
        MatrixTransport[] transports =
        [
            new("unix", $"test+unix:///default?socket={socket}", ReadOnly: false, null, Sasl: false, Describe(ServerTransport.Unix, false, null, false)),
            new("unix-ro", $"test+unix:///default?socket={readOnlySocket}", ReadOnly: true, null, Sasl: false, Describe(ServerTransport.Unix, true, null, false)),
            new("tcp", $"test+tcp://127.0.0.1:{tcp}/default", ReadOnly: false, null, Sasl: false, Describe(ServerTransport.Tcp, false, null, false)),
            new("tls", $"test+tls://127.0.0.1:{tlsPort}/default?pkipath={pkiPath}", ReadOnly: false, null, Sasl: false, Describe(ServerTransport.Tls, false, null, true)),
            new("tls-scram-sha-256", $"test+tls://127.0.0.1:{tlsSasl}/default?pkipath={pkiPath}&auth=sasl.SCRAM-SHA-256", ReadOnly: false, sasl, Sasl: true, Describe(ServerTransport.Tls, false, user, true)),
            new("tcp-digest-md5", $"test+tcp://127.0.0.1:{tcpSasl}/default?auth=sasl.DIGEST-MD5", ReadOnly: false, sasl, Sasl: true, Describe(ServerTransport.Tcp, false, user, false)),

            // A URI that names a socket makes libvirt run "nc -U SOCKET" on the far side; the wrapper pins the host key.
            new("ssh", $"test+ssh://{PrivateSshd.User}@127.0.0.1:{sshd.Port}/default?socket={socket}&keyfile={sshd.ClientKey}&known_hosts={sshd.KnownHosts}&no_tty=1&command={sshd.SshWrapper}", ReadOnly: false, null, Sasl: false, Describe(ServerTransport.Unix, false, null, false)),
        ];
        _transports = transports.ToDictionary(t => t.Name);
    }

    public LibvirtServer Server { get; }

    /// <summary>How the clients' calls reached the server (transport, read-only, SASL user, client certificate).</summary>
    public IReadOnlySet<string> Clients => _clients.ToHashSet();

    public MatrixTransport Transport(string name) => _transports[name];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Describe(ServerTransport transport, bool readOnly, string? saslUser, bool tlsCertificate)
        => $"{transport} ro={readOnly} sasl={saslUser ?? "-"} cert={tlsCertificate}";
}

/// <summary>One transport of the matrix: the URI the clients use and what the server must see of them.</summary>
/// <param name="Name">Case name.</param>
/// <param name="Uri">Client URI.</param>
/// <param name="ReadOnly">Whether the reference is libvirtd's read-only socket.</param>
/// <param name="Environment">Extra environment for virsh (the SASL auth file).</param>
/// <param name="Sasl">Whether python must answer SASL credentials.</param>
/// <param name="ServerSees">How our server must record the clients' calls.</param>
public sealed record MatrixTransport(string Name, string Uri, bool ReadOnly, IReadOnlyDictionary<string, string>? Environment, bool Sasl, string ServerSees);
