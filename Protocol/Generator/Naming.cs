using System.Text;

namespace LibvirtRemote.XdrGen;

/// <summary>Maps .x names to .NET names. Each generated member's doc comment repeats the .x name.</summary>
public static class Naming
{
    private static readonly Dictionary<string, string> FileClasses = new(StringComparer.Ordinal)
    {
        ["virnetprotocol"] = "VirNetProtocol",
        ["virkeepaliveprotocol"] = "KeepaliveProtocol",
        ["libvirt_constants"] = "LibvirtConstants",
    };

    /// <summary>.NET type name for a defined .x type: the main program's <c>remote_</c> prefix is dropped.</summary>
    public static string TypeName(string xdrName)
        => Pascal(xdrName.StartsWith("remote_", StringComparison.Ordinal) ? xdrName["remote_".Length..] : xdrName);

    /// <summary>Static class holding a file's constants and procedure table.</summary>
    public static string FileClass(string file)
    {
        string stem = Path.GetFileNameWithoutExtension(file);
        return FileClasses.TryGetValue(stem, out string? name) ? name : Pascal(stem);
    }

    /// <summary>PascalCase of a snake_case, SCREAMING_CASE or camelCase name.</summary>
    public static string Pascal(string name)
    {
        var result = new StringBuilder(name.Length);
        foreach (string part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            bool allUpper = part.All(c => !char.IsLetter(c) || char.IsUpper(c));
            result.Append(char.ToUpperInvariant(part[0]));
            result.Append(allUpper ? part[1..].ToLowerInvariant() : part[1..]);
        }

        if (result.Length == 0 || char.IsDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    /// <summary>Member names of an enum: the underscore-separated prefix all members share is dropped.</summary>
    public static IReadOnlyList<string> EnumMembers(IReadOnlyList<string> names)
    {
        string[][] parts = names.Select(n => n.Split('_')).ToArray();
        int common = 0;
        if (parts.Length > 1)
        {
            int shortest = parts.Min(p => p.Length);
            while (common < shortest - 1 && parts.All(p => p[common] == parts[0][common]))
            {
                common++;
            }
        }

        return parts.Select(p => Pascal(string.Join('_', p.Skip(common)))).ToArray();
    }
}
