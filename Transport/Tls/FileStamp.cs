namespace LibvirtRemote.Transport.Tls;

/// <summary>
/// What a cache of parsed PEM files compares to decide whether a file is still the one it parsed: full path, size and
/// modification time. libvirt re-reads its PKI files on every connection; a rewritten file changes the stamp, so the
/// next connection sees the new contents as libvirt's would.
/// </summary>
internal readonly record struct FileStamp(string Path, DateTime Written, long Length)
{
    /// <summary>The stamp of <paramref name="path"/>, or null when there is no such file.</summary>
    public static FileStamp? Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.FullName, info.LastWriteTimeUtc, info.Length) : null;
    }
}
