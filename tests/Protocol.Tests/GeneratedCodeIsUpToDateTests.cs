using LibvirtRemote.XdrGen;
using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Protocol/Generated, Client/Generated and Server/Generated hold exactly what the generator makes of the .x files at the repository root.</summary>
public class GeneratedCodeIsUpToDateTests
{
    private const string Hint = "Generated code is stale: run `dotnet run --project Protocol/Generator` from the repository root.";

    public static TheoryData<string> Folders => new(Sources.OutputFolders);

    [Fact]
    public void Every_source_gives_protocol_types_and_every_program_a_client_class()
    {
        IReadOnlyList<(string Folder, string Name, string Content)> generated = Sources.Generate(TestPaths.Root);
        Assert.Equal(Sources.Files.Length, generated.Count(g => g.Folder == Sources.ProtocolOutputFolder));
        Assert.Equal(
            ["AdminCalls.g.cs", "LxcCalls.g.cs", "QemuCalls.g.cs", "RemoteCalls.g.cs"],
            generated.Where(g => g.Folder == Sources.ClientOutputFolder).Select(g => g.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Generated_files_match_the_generator_output(string folder)
    {
        string path = Path.Combine(TestPaths.Root, folder);
        List<(string Folder, string Name, string Content)> generated = Sources.Generate(TestPaths.Root).Where(g => g.Folder == folder).ToList();
        Assert.NotEmpty(generated);
        foreach ((_, string name, string content) in generated)
        {
            string file = Path.Combine(path, name);
            Assert.True(File.Exists(file), $"{folder}/{name} is missing. {Hint}");
            GeneratorTests.AssertSameText(File.ReadAllText(file), content, $"{folder}/{name}. {Hint}\n");
        }

        string[] extra = Directory.GetFiles(path, "*.cs").Select(Path.GetFileName).Except(generated.Select(g => g.Name)).ToArray()!;
        Assert.True(extra.Length == 0, $"Files in {folder} not made by the generator: {string.Join(", ", extra)}. {Hint}");
    }
}
