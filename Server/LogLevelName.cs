namespace LibvirtRemote.Server;

/// <summary>Severity of a server log line (libvirtd's log_level: 1 debug, 2 info, 3 warning, 4 error).</summary>
public enum LogLevelName
{
    /// <summary>Diagnostics.</summary>
    Debug = 1,

    /// <summary>Normal events.</summary>
    Info = 2,

    /// <summary>Something a client did wrong, or a limit hit.</summary>
    Warning = 3,

    /// <summary>Something the server did wrong.</summary>
    Error = 4,
}
