using System.IO.Pipelines;
using LibvirtRemote.Client;
using LibvirtRemote.Server;

namespace LibvirtRemote.Server.Tests.Support;

/// <summary>A server on in-memory pipes: each <see cref="ConnectAsync"/> is one client served over a fresh pipe pair.</summary>
internal sealed class InMemoryServer : IAsyncDisposable
{
    private readonly List<Task> _sessions = [];

    public InMemoryServer(ServerBackend backend, ServerOptions? options = null)
        : this(new LibvirtServer(backend, options))
    {
    }

    public InMemoryServer(LibvirtServer server)
    {
        Server = server;
    }

    public LibvirtServer Server { get; }

    /// <summary>Opens a client connection (libvirt handshake included) to the server.</summary>
    public async Task<LibvirtConnection> ConnectAsync(ListenerOptions? listener = null, string uri = "test:///default")
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var serverSide = new DuplexPipe(toServer.Reader, toClient.Writer);
        var clientSide = new DuplexPipe(toClient.Reader, toServer.Writer);
        lock (_sessions)
        {
            _sessions.Add(Server.ServeAsync(serverSide, listener ?? new ListenerOptions()));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await LibvirtConnection.OpenAsync(clientSide, LibvirtUri.Parse(uri), cancellationToken: timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

/// <summary>A backend whose remote handlers are one shared object built by the test.</summary>
internal sealed class DelegateBackend(Func<ClientContext, RemoteHandlers> create) : ServerBackend
{
    public override RemoteHandlers CreateRemoteHandlers(ClientContext client) => create(client);
}

/// <summary>Handlers that accept CONNECT_OPEN and nothing else unless a test overrides more.</summary>
internal class OpenableHandlers : RemoteHandlers
{
    public override ValueTask ConnectOpenAsync(ServerCall call, LibvirtRemote.Protocol.ConnectOpenArgs args) => default;
}
