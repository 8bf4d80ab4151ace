using LibvirtRemote.XdrGen;
using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Protocol/Generated holds exactly what the generator makes of the .x files at the repository root.</summary>
public class GeneratedCodeIsUpToDateTests
{
    private const string Hint = "Protocol/Generated is stale: run `dotnet run --project Protocol/Generator` from the repository root.";

    [Fact]
    public void Generated_files_match_the_generator_output()
    {
        string folder = Path.Combine(TestPaths.Root, Sources.OutputFolder);
        IReadOnlyList<(string Name, string Content)> generated = Sources.Generate(TestPaths.Root);
        Assert.Equal(Sources.Files.Length, generated.Count);
        foreach ((string name, string content) in generated)
        {
            string path = Path.Combine(folder, name);
            Assert.True(File.Exists(path), $"{name} is missing. {Hint}");
            GeneratorTests.AssertSameText(File.ReadAllText(path), content, $"{Sources.OutputFolder}/{name}. {Hint}\n");
        }

        string[] extra = Directory.GetFiles(folder, "*.cs").Select(Path.GetFileName).Except(generated.Select(g => g.Name)).ToArray()!;
        Assert.True(extra.Length == 0, $"Files not made by the generator: {string.Join(", ", extra)}. {Hint}");
    }
}
