namespace LibvirtRemote.Server;

/// <summary>
/// How the runtime delivers socket completions on Linux. By default every completion is handed from the epoll thread
/// to the thread pool; with inline completions the server's receive, dispatch and reply of a call all run on the
/// epoll thread, which costs several times less CPU per call (no hand-off, no pool worker spinning for work). The
/// runtime reads the setting once, when the process first uses a socket, so a host opts in at the very start.
/// </summary>
/// <remarks>
/// The price is that a handler which blocks its thread holds up every connection served by that epoll thread; the
/// server moves a connection whose calls run long onto the pool (see <see cref="ServerOptions.InlineBudget"/>), but
/// the first long call still delays the others.
/// </remarks>
public static class SocketCompletionMode
{
    /// <summary>The runtime's environment variable.</summary>
    public const string VariableName = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Asks for inline completions in this process unless its environment already decides (set to anything).
    /// Call before the process opens its first socket; later calls have no effect on the runtime.
    /// </summary>
    /// <returns>Whether the setting now asks for inline completions.</returns>
    public static bool PreferInline()
    {
        if (Environment.GetEnvironmentVariable(VariableName) is null)
        {
            Environment.SetEnvironmentVariable(VariableName, "1");
        }

        return Environment.GetEnvironmentVariable(VariableName) == "1";
    }
}
