using System.Globalization;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Admin;

/// <summary>
/// The daemon's log filters and outputs as libvirtd.conf's <c>log_filters</c>/<c>log_outputs</c> write them, parsed
/// and printed back by libvirt's rules (filters get <c>*</c> around their match, a repeated output replaces the
/// earlier one, an empty output list means the default output). The lowest output priority becomes the server's
/// log level.
/// </summary>
public sealed class LogSettings
{
    private static readonly string[] Destinations = ["stderr", "syslog", "file", "journald"];
    private readonly Lock _gate = new();
    private readonly string _defaultOutput;
    private List<(int Priority, string Match)> _filters = [];
    private List<(int Priority, string Destination, string? Name)> _outputs = [];

    internal LogSettings(string defaultOutput)
    {
        _defaultOutput = defaultOutput;
        _outputs = ParseOutputs(defaultOutput);
    }

    /// <summary>The filters as libvirtd prints them (each followed by a space), and how many.</summary>
    public (string Text, int Count) Filters
    {
        get
        {
            lock (_gate)
            {
                return (string.Concat(_filters.Select(f => $"{f.Priority}:{f.Match} ")), _filters.Count);
            }
        }
    }

    /// <summary>The outputs as libvirtd prints them, and how many.</summary>
    public (string Text, int Count) Outputs
    {
        get
        {
            lock (_gate)
            {
                return (string.Join(' ', _outputs.Select(o => o.Name is null ? $"{o.Priority}:{o.Destination}" : $"{o.Priority}:{o.Destination}:{o.Name}")), _outputs.Count);
            }
        }
    }

    /// <summary>The lowest priority any output writes.</summary>
    public LogLevelName Level
    {
        get
        {
            lock (_gate)
            {
                return _outputs.Count == 0 ? LogLevelName.Error : (LogLevelName)_outputs.Min(o => o.Priority);
            }
        }
    }

    /// <summary>Replaces the filters; null or blank clears them.</summary>
    public void SetFilters(string? text)
    {
        List<(int, string)> parsed = text is null ? [] : ParseFilters(text);
        lock (_gate)
        {
            _filters = parsed;
        }
    }

    /// <summary>Replaces the outputs; null or blank restores the default output.</summary>
    public void SetOutputs(string? text)
    {
        List<(int, string, string?)> parsed = ParseOutputs(string.IsNullOrEmpty(text) ? _defaultOutput : text);
        lock (_gate)
        {
            _outputs = parsed;
        }
    }

    private static List<(int, string)> ParseFilters(string text)
    {
        var list = new List<(int, string)>();
        foreach (string item in text.Split(' '))
        {
            if (item.Length == 0)
            {
                continue;
            }

            string[] tokens = item.Split(':');
            if (tokens.Length < 2)
            {
                throw Invalid($"Malformed format for filter '{item}'");
            }

            if (Priority(tokens[0]) is not int priority)
            {
                throw Invalid($"Invalid priority '{tokens[0]}' for filter '{item}'");
            }

            // A leading '+' once asked for stack traces; libvirt accepts and drops it.
            string match = tokens[1].StartsWith('+') ? tokens[1][1..] : tokens[1];
            if (match.Length == 0)
            {
                throw Invalid($"Invalid match string '{tokens[1]}'");
            }

            list.Add((priority, $"*{match}*"));
        }

        return list;
    }

    private static List<(int, string, string?)> ParseOutputs(string text)
    {
        var list = new List<(int Priority, string Destination, string? Name)>();
        foreach (string item in text.Split(' '))
        {
            if (item.Length == 0)
            {
                continue;
            }

            string[] tokens = item.Split(':');
            if (tokens.Length < 2)
            {
                throw Invalid($"Malformed format for log output '{item}'");
            }

            if (Priority(tokens[0]) is not int priority)
            {
                throw Invalid($"Invalid log priority '{tokens[0]}' for log output '{item}'");
            }

            if (!Destinations.Contains(tokens[1]))
            {
                throw Invalid($"Invalid log destination '{tokens[1]}' for log output '{item}'");
            }

            bool named = tokens[1] is "file" or "syslog";
            if (tokens.Length != (named ? 3 : 2))
            {
                throw Invalid($"Log output '{item}' does not meet the format requirements for destination type '{tokens[1]}'");
            }

            string? name = tokens[1] == "file" ? Path.GetFullPath(tokens[2]) : named ? tokens[2] : null;
            list.RemoveAll(o => o.Destination == tokens[1] && o.Name == name);
            list.Add((priority, tokens[1], name));
        }

        return list;
    }

    private static int? Priority(string text)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value is >= 1 and <= 4 ? value : null;

    private static LibvirtErrorException Invalid(string detail) => LibvirtErrorException.InvalidArgument(ErrorDomain.None, detail);
}
