using LibvirtRemote.XdrGen;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Runs the parser, schema and emitter on one small .x text, as the generator does for the real files.</summary>
internal static class GeneratorCase
{
    public static string Generate(string text, string file = "input.x")
    {
        var schema = new Schema([(file, text)]);
        return new Emitter(schema).EmitAll(new Dictionary<string, string> { [file] = text }).Single().Content;
    }

    /// <summary>The typed client class the generator makes of <paramref name="text"/>, which defines one program.</summary>
    public static string GenerateCalls(string text, string file = "input.x")
        => new ClientEmitter(new Schema([(file, text)])).Emit(file, text);

    public static string Directory(string name) => Path.Combine(TestPaths.GeneratorCases, name);
}
