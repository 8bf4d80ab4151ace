using System.Net.Sockets;
using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Server.Listeners;

/// <summary>A Unix-socket listener; its clients can pass descriptors and are identified by their peer credentials.</summary>
internal sealed class UnixListener : ServerListener
{
    private readonly string _path;

    private UnixListener(LibvirtServer server, Socket socket, ListenerOptions options, string path)
        : base(server, socket, options) => _path = path;

    public static UnixListener Start(LibvirtServer server, string path, ListenerOptions options, UnixFileMode? mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (mode is UnixFileMode m && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, m);
            }

            socket.Listen(server.Options.MaxQueuedClients);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var listener = new UnixListener(server, socket, options, path);
        listener.StartAccepting();
        return listener;
    }

    private protected override Task ServeAcceptedAsync(Socket accepted, CancellationToken cancellationToken)
    {
        (int Pid, int Uid, int Gid)? peer = PeerCredentials.Read(accepted);
        var context = new ClientContext(ServerTransport.Unix, Options.ReadOnly)
        {
            UnixProcessId = peer?.Pid,
            UnixUserId = peer?.Uid,
            UnixGroupId = peer?.Gid,
        };
        // A receive thread blocking in poll/recvmsg serves a call with three system calls (poll, recvmsg, send) and no
        // socket-engine hand-off; the pipe caps such threads per process, and connections past the cap use the pool.
        var pipe = new UnixSocketPipe(accepted, dedicatedReceiveThread: true, holdBackOutput: false);
        return Server.ServeAsync(pipe, context, Options, cancellationToken);
    }

    private protected override void OnStopped()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
