namespace LibvirtRemote.XdrGen;

/// <summary>What the client and server emitters both need to know about a program's procedures.</summary>
internal static class ProgramProcedures
{
    /// <summary>The program prefix of a procedure enum, e.g. <c>remote</c> for <c>remote_procedure</c>.</summary>
    public static string Prefix(EnumDefinition procedures) => procedures.Name[..^"_procedure".Length];

    /// <summary>The one <c>*_procedure</c> enum defined in <paramref name="file"/>.</summary>
    public static EnumDefinition Enum(Schema schema, string file)
    {
        List<EnumDefinition> found = schema.Files.Single(f => f.File == file).Definitions
            .OfType<EnumDefinition>()
            .Where(e => e.Name.EndsWith("_procedure", StringComparison.Ordinal))
            .ToList();
        return found.Count == 1 ? found[0] : throw new FormatException($"{file}: expected one *_procedure enum, found {found.Count}");
    }

    /// <summary>The C# type of a call or reply body, or null when the procedure has none.</summary>
    public static string? BodyType(Schema schema, string xdrName) => schema.Find(xdrName) switch
    {
        null => null,
        StructDefinition or UnionDefinition => Naming.TypeName(xdrName),
        _ => throw new FormatException($"'{xdrName}' should be a struct"),
    };
}
