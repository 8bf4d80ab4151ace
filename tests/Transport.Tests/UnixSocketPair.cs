using System.Net.Sockets;
using LibvirtRemote.Transport.Sockets;

namespace LibvirtRemote.Transport.Tests;

/// <summary>Two connected <see cref="UnixSocketPipe"/>s over a real Unix socket in a private temporary directory.</summary>
internal sealed class UnixSocketPair : IAsyncDisposable
{
    private readonly string _directory;

    private UnixSocketPair(string directory, UnixSocketPipe client, UnixSocketPipe server)
    {
        _directory = directory;
        Client = client;
        Server = server;
    }

    public UnixSocketPipe Client { get; }

    public UnixSocketPipe Server { get; }

    /// <summary>Temporary directory, also usable for the test's own files.</summary>
    public string Directory => _directory;

    /// <summary>Connects a pair; with <paramref name="serverReceiveThread"/> the accepting end receives on its own thread.</summary>
    public static async Task<UnixSocketPair> CreateAsync(bool serverReceiveThread = false)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("lvr-fds-").FullName;
        var endPoint = new UnixDomainSocketEndPoint(Path.Combine(directory, "sock"));
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(endPoint);
        listener.Listen(1);
        Task<UnixSocketPipe> connecting = UnixSocketPipe.ConnectAsync(Path.Combine(directory, "sock"));
        Socket accepted = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        UnixSocketPipe client = await connecting.WaitAsync(TimeSpan.FromSeconds(10));
        return new UnixSocketPair(directory, client, new UnixSocketPipe(accepted, serverReceiveThread));
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await Server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
