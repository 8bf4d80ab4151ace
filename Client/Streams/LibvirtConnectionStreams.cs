using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Client.Streams;

/// <summary>The stream-opening calls of the remote program, as methods of <see cref="LibvirtConnection"/>.</summary>
public static class LibvirtConnectionStreams
{
    /// <summary>Takes a screenshot with the default stream options; see the overload with options.</summary>
    public static Task<(string MimeType, LibvirtStream Stream)> ScreenshotAsync(this LibvirtConnection connection, NonnullDomain domain, uint screen, CancellationToken cancellationToken = default)
        => connection.ScreenshotAsync(domain, screen, null, cancellationToken);

    /// <summary>Downloads a storage volume with the default stream options; see the overload with options.</summary>
    public static Task<LibvirtStream> StorageVolDownloadAsync(this LibvirtConnection connection, NonnullStorageVol volume, ulong offset, ulong length, uint flags, CancellationToken cancellationToken = default)
        => connection.StorageVolDownloadAsync(volume, offset, length, flags, null, cancellationToken);

    /// <summary>Uploads into a storage volume with the default stream options; see the overload with options.</summary>
    public static Task<LibvirtStream> StorageVolUploadAsync(this LibvirtConnection connection, NonnullStorageVol volume, ulong offset, ulong length, uint flags, CancellationToken cancellationToken = default)
        => connection.StorageVolUploadAsync(volume, offset, length, flags, null, cancellationToken);

    /// <summary>Connects to a domain's console with the default stream options; see the overload with options.</summary>
    public static Task<LibvirtStream> DomainOpenConsoleAsync(this LibvirtConnection connection, NonnullDomain domain, string? deviceName, uint flags, CancellationToken cancellationToken = default)
        => connection.DomainOpenConsoleAsync(domain, deviceName, flags, null, cancellationToken);

    /// <summary>Connects to a domain's channel with the default stream options; see the overload with options.</summary>
    public static Task<LibvirtStream> DomainOpenChannelAsync(this LibvirtConnection connection, NonnullDomain domain, string? name, uint flags, CancellationToken cancellationToken = default)
        => connection.DomainOpenChannelAsync(domain, name, flags, null, cancellationToken);

    /// <summary>
    /// Takes a screenshot of a domain's screen (virDomainScreenshot). Read the image from the stream to its end,
    /// then dispose it (which finishes it).
    /// </summary>
    /// <returns>The image's MIME type as the server reports it, and the stream carrying the image.</returns>
    public static async Task<(string MimeType, LibvirtStream Stream)> ScreenshotAsync(
        this LibvirtConnection connection,
        NonnullDomain domain,
        uint screen,
        LibvirtStreamOptions? options,
        CancellationToken cancellationToken = default)
    {
        (DomainScreenshotRet reply, LibvirtStream stream) = await OpenAsync<DomainScreenshotArgs, DomainScreenshotRet>(
            connection,
            Procedure.DomainScreenshot,
            new DomainScreenshotArgs { Dom = domain, Screen = screen, Flags = 0 },
            FileAccess.Read,
            flags: 0,
            options,
            cancellationToken).ConfigureAwait(false);
        return (reply.Mime ?? string.Empty, stream);
    }

    /// <summary>
    /// Downloads a storage volume's content (virStorageVolDownload). With the sparse flag
    /// (<c>VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM</c>) holes arrive as holes; see
    /// <see cref="LibvirtStream.ReadSegmentAsync"/>.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="volume">The volume.</param>
    /// <param name="offset">Where to start, in bytes.</param>
    /// <param name="length">How many bytes; 0 for up to the end.</param>
    /// <param name="flags">virStorageVolDownloadFlags.</param>
    /// <param name="options">Stream limits; <see langword="null"/> for <see cref="LibvirtStreamOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the opening call.</param>
    public static async Task<LibvirtStream> StorageVolDownloadAsync(
        this LibvirtConnection connection,
        NonnullStorageVol volume,
        ulong offset,
        ulong length,
        uint flags,
        LibvirtStreamOptions? options,
        CancellationToken cancellationToken = default)
        => (await OpenAsync<StorageVolDownloadArgs, XdrVoid>(
            connection,
            Procedure.StorageVolDownload,
            new StorageVolDownloadArgs { Vol = volume, Offset = offset, Length = length, Flags = flags },
            FileAccess.Read,
            flags,
            options,
            cancellationToken).ConfigureAwait(false)).Stream;

    /// <summary>
    /// Uploads content into a storage volume (virStorageVolUpload). Write the data (and, with
    /// <c>VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM</c>, holes via <see cref="LibvirtStream.SendHoleAsync"/>), then call
    /// <see cref="LibvirtStream.FinishAsync"/>: disposing without finishing aborts the upload.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="volume">The volume.</param>
    /// <param name="offset">Where to start writing, in bytes.</param>
    /// <param name="length">How many bytes will be sent; 0 for up to the end of the volume.</param>
    /// <param name="flags">virStorageVolUploadFlags.</param>
    /// <param name="options">Stream limits; <see langword="null"/> for <see cref="LibvirtStreamOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the opening call.</param>
    public static async Task<LibvirtStream> StorageVolUploadAsync(
        this LibvirtConnection connection,
        NonnullStorageVol volume,
        ulong offset,
        ulong length,
        uint flags,
        LibvirtStreamOptions? options,
        CancellationToken cancellationToken = default)
        => (await OpenAsync<StorageVolUploadArgs, XdrVoid>(
            connection,
            Procedure.StorageVolUpload,
            new StorageVolUploadArgs { Vol = volume, Offset = offset, Length = length, Flags = flags },
            FileAccess.Write,
            flags,
            options,
            cancellationToken).ConfigureAwait(false)).Stream;

    /// <summary>Connects to a domain's console (virDomainOpenConsole); the stream reads and writes.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="domain">The domain.</param>
    /// <param name="deviceName">Console device alias, or <see langword="null"/> for the first console.</param>
    /// <param name="flags">virDomainConsoleFlags.</param>
    /// <param name="options">Stream limits; <see langword="null"/> for <see cref="LibvirtStreamOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the opening call.</param>
    public static async Task<LibvirtStream> DomainOpenConsoleAsync(
        this LibvirtConnection connection,
        NonnullDomain domain,
        string? deviceName,
        uint flags,
        LibvirtStreamOptions? options,
        CancellationToken cancellationToken = default)
        => (await OpenAsync<DomainOpenConsoleArgs, XdrVoid>(
            connection,
            Procedure.DomainOpenConsole,
            new DomainOpenConsoleArgs { Dom = domain, DevName = deviceName, Flags = flags },
            FileAccess.ReadWrite,
            flags,
            options,
            cancellationToken).ConfigureAwait(false)).Stream;

    /// <summary>Connects to a domain's channel device (virDomainOpenChannel); the stream reads and writes.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="domain">The domain.</param>
    /// <param name="name">Channel name or alias, or <see langword="null"/> for the first channel.</param>
    /// <param name="flags">virDomainChannelFlags.</param>
    /// <param name="options">Stream limits; <see langword="null"/> for <see cref="LibvirtStreamOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the opening call.</param>
    public static async Task<LibvirtStream> DomainOpenChannelAsync(
        this LibvirtConnection connection,
        NonnullDomain domain,
        string? name,
        uint flags,
        LibvirtStreamOptions? options,
        CancellationToken cancellationToken = default)
        => (await OpenAsync<DomainOpenChannelArgs, XdrVoid>(
            connection,
            Procedure.DomainOpenChannel,
            new DomainOpenChannelArgs { Dom = domain, Name = name, Flags = flags },
            FileAccess.ReadWrite,
            flags,
            options,
            cancellationToken).ConfigureAwait(false)).Stream;

    private static Task<(TRet Reply, LibvirtStream Stream)> OpenAsync<TArgs, TRet>(
        LibvirtConnection connection,
        Procedure procedure,
        TArgs args,
        FileAccess access,
        uint flags,
        LibvirtStreamOptions? options,
        CancellationToken cancellationToken)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        ArgumentNullException.ThrowIfNull(connection);

        // The procedure table knows which flag makes a stream sparse; holes are legal only with it.
        uint sparseFlag = RemoteProtocol.Procedures.TryGet((int)procedure, out ProcedureInfo? info) ? info.SparseFlag : 0;
        return LibvirtStream.OpenAsync<TArgs, TRet>(
            connection.Rpc,
            (uint)RemoteProtocol.RemoteProgram,
            (uint)RemoteProtocol.RemoteProtocolVersion,
            (int)procedure,
            args,
            access,
            sparse: sparseFlag != 0 && (flags & sparseFlag) != 0,
            options,
            cancellationToken);
    }
}
