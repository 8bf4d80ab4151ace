using System.Runtime.InteropServices;
using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;
using Microsoft.Win32.SafeHandles;

namespace LibvirtRemote.Client;

/// <summary>Procedures that pass file descriptors; they work over Unix sockets only.</summary>
public sealed partial class LibvirtConnection
{
    private const int FeatureFdPassing = 8;

    /// <summary>
    /// Whether both this connection's transport and the server can pass file descriptors (the server is asked
    /// with CONNECT_SUPPORTS_FEATURE, VIR_DRV_FEATURE_FD_PASSING).
    /// </summary>
    public async Task<bool> SupportsFdPassingAsync(CancellationToken cancellationToken = default)
        => _rpc.CanPassFds && await SupportsFeatureAsync(FeatureFdPassing, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Calls a procedure of the remote program that takes and/or returns descriptors; see
    /// <see cref="RpcConnection.CallWithFdsAsync{TArgs, TRet}"/>.
    /// </summary>
    public ValueTask<(TRet Reply, SafeFileHandle[] Fds)> CallWithFdsAsync<TArgs, TRet>(Procedure procedure, TArgs args, IReadOnlyList<SafeHandle> fds, CancellationToken cancellationToken = default)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
        => _rpc.CallWithFdsAsync<TArgs, TRet>((uint)RemoteProtocol.RemoteProgram, (uint)RemoteProtocol.RemoteProtocolVersion, (int)procedure, args, fds, cancellationToken);

    /// <summary>
    /// Starts a transient domain from XML, handing it open files (virDomainCreateXMLWithFiles): the hypervisor
    /// receives duplicates of <paramref name="files"/>; they stay the caller's.
    /// </summary>
    public async Task<NonnullDomain> DomainCreateXmlWithFilesAsync(string xml, IReadOnlyList<SafeHandle> files, uint flags = 0, CancellationToken cancellationToken = default)
    {
        (DomainCreateXmlWithFilesRet reply, SafeFileHandle[] extra) = await CallWithFdsAsync<DomainCreateXmlWithFilesArgs, DomainCreateXmlWithFilesRet>(
            Procedure.DomainCreateXmlWithFiles,
            new DomainCreateXmlWithFilesArgs { XmlDesc = xml, Flags = flags },
            files,
            cancellationToken).ConfigureAwait(false);
        RpcConnection.CloseAll(extra);
        return reply.Dom;
    }

    /// <summary>
    /// Opens a connection to one of a domain's graphics servers and returns its socket descriptor
    /// (virDomainOpenGraphicsFD). The caller owns the handle.
    /// </summary>
    public async Task<SafeFileHandle> DomainOpenGraphicsFdAsync(NonnullDomain domain, uint index, uint flags = 0, CancellationToken cancellationToken = default)
    {
        (XdrVoid _, SafeFileHandle[] fds) = await CallWithFdsAsync<DomainOpenGraphicsFdArgs, XdrVoid>(
            Procedure.DomainOpenGraphicsFd,
            new DomainOpenGraphicsFdArgs { Dom = domain, Idx = index, Flags = flags },
            [],
            cancellationToken).ConfigureAwait(false);
        if (fds.Length != 1)
        {
            RpcConnection.CloseAll(fds);
            throw new LibvirtProtocolException($"DOMAIN_OPEN_GRAPHICS_FD returned {fds.Length} descriptors instead of one");
        }

        return fds[0];
    }
}
