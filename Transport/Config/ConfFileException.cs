namespace LibvirtRemote.Transport.Config;

/// <summary>
/// A libvirt configuration file that is malformed or holds a value of the wrong type. The message starts with
/// <c>source:line:</c> and, when a setting is at fault, names it.
/// </summary>
public sealed class ConfFileException : FormatException
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    public ConfFileException(string sourceName, int line, string? key, string problem)
        : base(Compose(sourceName, line, key, problem))
    {
        SourceName = sourceName;
        Line = line;
        Key = key;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message of its own (no location).</summary>
    public ConfFileException()
        : this("(unknown)", 0, null, "malformed configuration")
    {
    }

    /// <summary>Creates the exception with a message of its own (no location).</summary>
    public ConfFileException(string message)
        : this("(unknown)", 0, null, message)
    {
    }

    /// <summary>Creates the exception with a message of its own and an inner exception.</summary>
    public ConfFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = "(unknown)";
        Problem = message;
    }

    /// <summary>The file name (or other label) the text came from.</summary>
    public string SourceName { get; }

    /// <summary>The 1-based line at fault, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The setting at fault, or null for a syntax error outside a value.</summary>
    public string? Key { get; }

    /// <summary>The problem without the location.</summary>
    public string Problem { get; }

    private static string Compose(string sourceName, int line, string? key, string problem)
        => key is null ? $"{sourceName}:{line}: {problem}" : $"{sourceName}:{line}: '{key}': {problem}";
}
