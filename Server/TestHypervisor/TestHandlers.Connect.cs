using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>Connection-wide calls: open, identity of the host and hypervisor.</summary>
internal sealed partial class TestHandlers
{
    public override ValueTask ConnectOpenAsync(ServerCall call, ConnectOpenArgs args)
    {
        string? name = args.Name;
        if (!string.IsNullOrEmpty(name) && !name.StartsWith("test://", StringComparison.Ordinal))
        {
            throw new LibvirtErrorException(ErrorCode.NoConnect, ErrorDomain.None, $"no connection driver available for {name}");
        }

        _state = _backend.Open(_client, out bool first);
        if (first)
        {
            call.Server.Events.RestartCallbackIds();
        }

        return default;
    }

    public override ValueTask<ConnectGetTypeRet> ConnectGetTypeAsync(ServerCall call) => new(new ConnectGetTypeRet { Type = "TEST" });

    public override ValueTask<ConnectGetHostnameRet> ConnectGetHostnameAsync(ServerCall call) => new(new ConnectGetHostnameRet { Hostname = Environment.MachineName });

    public override ValueTask<ConnectGetVersionRet> ConnectGetVersionAsync(ServerCall call) => new(new ConnectGetVersionRet { HvVer = TestHost.HypervisorVersion });

    public override ValueTask<ConnectGetLibVersionRet> ConnectGetLibVersionAsync(ServerCall call) => new(new ConnectGetLibVersionRet { LibVer = TestHost.LibraryVersion });

    public override ValueTask<ConnectIsSecureRet> ConnectIsSecureAsync(ServerCall call) => new(new ConnectIsSecureRet { Secure = 1 });

    // Typed-parameter strings (9) and the corrected virNetworkUpdate argument order (16) are features every libvirt
    // driver claims; the test driver claims nothing else the connection itself does not answer.
    public override ValueTask<ConnectSupportsFeatureRet> ConnectSupportsFeatureAsync(ServerCall call, ConnectSupportsFeatureArgs args)
        => new(new ConnectSupportsFeatureRet { Supported = args.Feature is 9 or 16 ? 1 : 0 });
}
