namespace LibvirtRemote.Transport.Config;

/// <summary>One <c>key = value</c> statement of a libvirt configuration file, in file order.</summary>
/// <param name="Key">The setting name.</param>
/// <param name="Value">Its value.</param>
/// <param name="Line">The 1-based line the statement starts on.</param>
public sealed record ConfEntry(string Key, ConfValue Value, int Line);
