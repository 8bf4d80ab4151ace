using System.Collections.Concurrent;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Tests.Support;

/// <summary>
/// A backend whose ConnectGetHostname calls wait until the test releases them, one gate per call in arrival order,
/// so tests can hold calls in flight and finish them in any order. Other calls answer at once.
/// </summary>
internal sealed class GateBackend : ServerBackend
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _gates = new();
    private int _entered;

    /// <summary>Hostname calls that have reached the handler.</summary>
    public int Entered => Volatile.Read(ref _entered);

    /// <summary>Size of the capabilities document, for tests that want big replies.</summary>
    public int CapabilitiesSize { get; init; } = 1024;

    /// <summary>Lets the <paramref name="index"/>-th hostname call (from 0) answer <paramref name="hostname"/>.</summary>
    public void Release(int index, string hostname) => Gate(index).TrySetResult(hostname);

    /// <summary>Waits until <paramref name="count"/> hostname calls are inside the handler.</summary>
    public async Task WaitEnteredAsync(int count)
    {
        using var timeout = new CancellationTokenSource(WireClient.Timeout);
        while (Entered < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    public override RemoteHandlers CreateRemoteHandlers(ClientContext client) => new Handlers(this);

    private TaskCompletionSource<string> Gate(int index)
        => _gates.GetOrAdd(index, static _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Handlers(GateBackend backend) : RemoteHandlers
    {
        public override ValueTask ConnectOpenAsync(ServerCall call, ConnectOpenArgs args) => default;

        public override async ValueTask<ConnectGetHostnameRet> ConnectGetHostnameAsync(ServerCall call)
        {
            int index = Interlocked.Increment(ref backend._entered) - 1;
            string name = await backend.Gate(index).Task.WaitAsync(call.Aborted);
            return new ConnectGetHostnameRet { Hostname = name };
        }

        public override ValueTask<ConnectGetLibVersionRet> ConnectGetLibVersionAsync(ServerCall call)
            => new(new ConnectGetLibVersionRet { LibVer = 9000000 });

        public override ValueTask<ConnectGetCapabilitiesRet> ConnectGetCapabilitiesAsync(ServerCall call)
            => new(new ConnectGetCapabilitiesRet { Capabilities = new string('c', backend.CapabilitiesSize) });

        public override ValueTask<DomainGetXmlDescRet> DomainGetXmlDescAsync(ServerCall call, DomainGetXmlDescArgs args)
            => new(new DomainGetXmlDescRet { Xml = "<domain/>" });

        public override ValueTask DomainDestroyAsync(ServerCall call, DomainDestroyArgs args) => default;
    }
}
