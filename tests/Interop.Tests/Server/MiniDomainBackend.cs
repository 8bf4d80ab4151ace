using LibvirtRemote.Protocol;
using LibvirtRemote.Server;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// A backend with one domain "test" and just the calls the access tests need (lookup, XML, destroy, hostname), so
/// those tests do not depend on how far the embedded test hypervisor has come.
/// </summary>
internal sealed class MiniDomainBackend : ServerBackend
{
    public static readonly NonnullDomain Test = new() { Name = "test", Uuid = Guid.Parse("6695eb01-f6a4-8304-79aa-97f2502e193f").ToByteArray(bigEndian: true), Id = 1 };

    private int _destroyed;

    /// <summary>Destroy calls that reached the backend.</summary>
    public int Destroyed => Volatile.Read(ref _destroyed);

    public override RemoteHandlers CreateRemoteHandlers(ClientContext client) => new Handlers(this);

    private sealed class Handlers(MiniDomainBackend backend) : RemoteHandlers
    {
        public override ValueTask ConnectOpenAsync(ServerCall call, ConnectOpenArgs args) => default;

        public override ValueTask<ConnectGetHostnameRet> ConnectGetHostnameAsync(ServerCall call)
            => new(new ConnectGetHostnameRet { Hostname = Environment.MachineName });

        public override ValueTask<DomainLookupByNameRet> DomainLookupByNameAsync(ServerCall call, DomainLookupByNameArgs args)
            => args.Name == "test"
                ? new(new DomainLookupByNameRet { Dom = Test })
                : throw new LibvirtErrorException(ErrorCode.NoDomain, ErrorDomain.Test, $"Domain not found: no domain with matching name '{args.Name}'");

        public override ValueTask<DomainGetXmlDescRet> DomainGetXmlDescAsync(ServerCall call, DomainGetXmlDescArgs args)
            => new(new DomainGetXmlDescRet { Xml = "<domain type='test'>\n  <name>test</name>\n</domain>\n" });

        public override ValueTask DomainDestroyAsync(ServerCall call, DomainDestroyArgs args)
        {
            Interlocked.Increment(ref backend._destroyed);
            return default;
        }
    }
}
