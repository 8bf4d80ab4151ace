namespace LibvirtRemote.Client;

/// <summary>
/// Picks the Unix socket for a local URI the way libvirt's remote driver does: the per-user daemon for
/// <c>/session</c> URIs (and <c>test+…</c> URIs) when not running as root, else the system sockets; and, in
/// <c>mode=auto</c>, the hypervisor's own modular daemon (<c>virtqemud-sock</c>, …) when its socket exists,
/// falling back to libvirtd's.
/// </summary>
public static class UnixSocketLocator
{
    /// <summary>Resolves the socket path; <paramref name="fileExists"/> is injectable for tests.</summary>
    /// <param name="uri">The connection URI.</param>
    /// <param name="readOnly">Whether the read-only socket is wanted.</param>
    /// <param name="privileged">Whether this process runs as root.</param>
    /// <param name="fileExists">Existence check for candidate sockets.</param>
    /// <param name="userRuntimeDirectory">The user's libvirt runtime directory (default: $XDG_RUNTIME_DIR/libvirt, else ~/.cache/libvirt).</param>
    public static string Locate(LibvirtUri uri, bool readOnly, bool privileged, Func<string, bool> fileExists, string? userRuntimeDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(fileExists);
        bool user = !privileged && (uri.Path == "/session" || uri.Transport is not null && uri.Driver == "test");
        string Socket(string prefix) => user
            ? Path.Combine(userRuntimeDirectory ?? DefaultUserRuntimeDirectory(), prefix + "-sock")
            : $"/var/run/libvirt/{prefix}-{(readOnly ? "sock-ro" : "sock")}";

        string legacy = Socket("libvirt");
        string? direct = uri.Driver.Length > 0 ? Socket($"virt{uri.Driver}d") : null;
        return (uri["mode"] ?? "auto") switch
        {
            "legacy" => legacy,
            "direct" when direct is not null => direct,
            "direct" => throw new ArgumentException($"URI '{uri}' names no driver, so mode=direct has no daemon to use", nameof(uri)),
            "auto" => direct is not null && fileExists(direct) ? direct : legacy,
            string other => throw new ArgumentException($"Unknown remote mode '{other}' (expected auto, legacy or direct)", nameof(uri)),
        };
    }

    /// <summary>Resolves the socket path for this process.</summary>
    public static string Locate(LibvirtUri uri, bool readOnly)
        => Locate(uri, readOnly, Environment.IsPrivilegedProcess, File.Exists);

    /// <summary>libvirt's per-user runtime directory: <c>$XDG_RUNTIME_DIR/libvirt</c>, else <c>~/.cache/libvirt</c>.</summary>
    internal static string DefaultUserRuntimeDirectory()
    {
        string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return runtime is { Length: > 0 }
            ? Path.Combine(runtime, "libvirt")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "libvirt");
    }
}
