namespace LibvirtRemote.Transport.Config;

/// <summary>
/// A parsed libvirt configuration file (<c>libvirtd.conf</c>, <c>libvirt.conf</c>, …): the entries in file order and
/// typed look-ups that behave like libvirt's: a key given more than once counts with its first value, a missing
/// key leaves the caller's default, and a value of the wrong type is an error naming the file, line and key.
/// </summary>
public sealed class LibvirtConfFile
{
    private LibvirtConfFile(string sourceName, IReadOnlyList<ConfEntry> entries)
    {
        SourceName = sourceName;
        Entries = entries;
    }

    /// <summary>The file name or label used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>Every statement in file order, repeated keys included.</summary>
    public IReadOnlyList<ConfEntry> Entries { get; }

    /// <summary>Parses configuration text.</summary>
    /// <param name="text">The file's contents.</param>
    /// <param name="sourceName">Named in error messages.</param>
    /// <param name="allowCommentsInLists">
    /// Accept <c>#</c> comments between list items. libvirt itself refuses them ("expecting a separator in list"),
    /// so a file that relies on this would not load in libvirt; off by default.
    /// </param>
    /// <exception cref="ConfFileException">The text is not valid configuration syntax.</exception>
    public static LibvirtConfFile Parse(string text, string sourceName = "(config)", bool allowCommentsInLists = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var parser = new ConfParser(text, sourceName, allowCommentsInLists);
        return new LibvirtConfFile(sourceName, parser.ParseAll());
    }

    /// <summary>Reads and parses a file.</summary>
    /// <exception cref="ConfFileException">The file is not valid configuration syntax.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<LibvirtConfFile> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, path);
    }

    /// <summary>Reads and parses a file synchronously (for start-up code that has no async context).</summary>
    /// <exception cref="ConfFileException">The file is not valid configuration syntax.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LibvirtConfFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The first entry for <paramref name="key"/> (the one libvirt uses), or null.</summary>
    public ConfEntry? Find(string key)
    {
        foreach (ConfEntry entry in Entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Reads a string setting.</summary>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ConfFileException">The key holds something other than a string.</exception>
    public bool TryGetString(string key, out string value)
    {
        value = string.Empty;
        if (Find(key) is not { } entry)
        {
            return false;
        }

        if (entry.Value.Kind != ConfValueKind.String)
        {
            throw Error(entry, "expected a string");
        }

        value = entry.Value.String;
        return true;
    }

    /// <summary>Reads a list of strings.</summary>
    /// <param name="key">The setting.</param>
    /// <param name="value">The strings.</param>
    /// <param name="acceptSingleString">Treat a plain string as a one-item list.</param>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ConfFileException">The key holds something else, or a list item is not a string.</exception>
    public bool TryGetStringList(string key, out IReadOnlyList<string> value, bool acceptSingleString = false)
    {
        value = [];
        if (Find(key) is not { } entry)
        {
            return false;
        }

        string expected = acceptSingleString ? "expected a string or a list of strings" : "expected a list of strings";
        switch (entry.Value.Kind)
        {
            case ConfValueKind.String when acceptSingleString:
                value = [entry.Value.String];
                return true;
            case ConfValueKind.List:
                var items = new string[entry.Value.Items.Count];
                for (int i = 0; i < items.Length; i++)
                {
                    ConfValue item = entry.Value.Items[i];
                    items[i] = item.Kind == ConfValueKind.String ? item.String : throw Error(entry, expected, item.Line);
                }

                value = items;
                return true;
            default:
                throw Error(entry, expected);
        }
    }

    /// <summary>Reads a boolean written as 0 or 1, as libvirt requires.</summary>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ConfFileException">The key holds a non-number, a signed number, or a number other than 0 and 1.</exception>
    public bool TryGetBool(string key, out bool value)
    {
        value = false;
        if (Find(key) is not { } entry)
        {
            return false;
        }

        if (entry.Value.Kind != ConfValueKind.Integer || entry.Value.IsNegativeForm)
        {
            throw Error(entry, "expected a boolean (0 or 1)");
        }

        value = entry.Value.Integer switch
        {
            0 => false,
            1 => true,
            _ => throw Error(entry, "value must be 0 or 1"),
        };
        return true;
    }

    /// <summary>Reads an unsigned 32-bit integer (libvirt's <c>unsigned int</c> settings).</summary>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ConfFileException">The key holds a non-number, a negative number, or one too large.</exception>
    public bool TryGetUInt32(string key, out uint value)
    {
        value = 0;
        if (Find(key) is not { } entry)
        {
            return false;
        }

        if (entry.Value.Kind != ConfValueKind.Integer || entry.Value.IsNegativeForm)
        {
            throw Error(entry, "expected an unsigned integer");
        }

        if (entry.Value.Integer > uint.MaxValue)
        {
            throw Error(entry, $"value must be in range 0:{uint.MaxValue}");
        }

        value = (uint)entry.Value.Integer;
        return true;
    }

    /// <summary>Reads a signed 32-bit integer (libvirt's <c>int</c> settings).</summary>
    /// <returns>True when the key is present.</returns>
    /// <exception cref="ConfFileException">The key holds a non-number or one out of range.</exception>
    public bool TryGetInt32(string key, out int value)
    {
        value = 0;
        if (Find(key) is not { } entry)
        {
            return false;
        }

        if (entry.Value.Kind != ConfValueKind.Integer)
        {
            throw Error(entry, "expected a signed integer");
        }

        if (entry.Value.Integer is < int.MinValue or > int.MaxValue)
        {
            throw Error(entry, $"value must be in range {int.MinValue}:{int.MaxValue}");
        }

        value = (int)entry.Value.Integer;
        return true;
    }

    /// <summary>An error about <paramref name="entry"/>'s value, naming this file, the line and the key.</summary>
    public ConfFileException Error(ConfEntry entry, string problem, int? line = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new ConfFileException(SourceName, line ?? entry.Line, entry.Key, problem);
    }
}
